using System.Text.Json;
using Cmp.Gateway.Features.Acp.Auth;
using Cmp.Gateway.Features.Acp.Idempotency;
using Cmp.Gateway.Features.RateLimits;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace Cmp.Gateway.Features.Acp.Protocol;

/// <summary>Which ACP API an endpoint belongs to: they differ in who may call and in their error vocabulary.</summary>
public enum AcpSurface
{
    /// <summary>Checkout sessions: agent platforms (API key) only.</summary>
    Checkout,
    /// <summary>The test PSP's delegate_payment: agent platforms or buyers (Keycloak token); closed error-code enum.</summary>
    DelegatePayment,
    /// <summary>Product feeds: agent platforms or signed-in users; GET only.</summary>
    Feed,
}

/// <summary>
/// Everything ACP requires before a handler runs, in order, answering with ACP's flat <c>Error</c> (never problem+json):
/// <list type="number">
/// <item><c>Request-Id</c> echoed, <c>Accept-Language</c> negotiated (<c>Content-Language</c>).</item>
/// <item><c>Authorization: Bearer</c>: an agent platform's API key (or, where allowed, a Keycloak token) → 401.</item>
/// <item><c>API-Version</c>: missing or unsupported → 400 with <c>supported_versions</c> (newest first).</item>
/// <item>The body: read once, must be JSON → 400.</item>
/// <item><c>Signature</c>/<c>Timestamp</c> when the platform has a signing secret → 401.</item>
/// <item><c>Idempotency-Key</c> on POST with the version's rules: required from 2026-04-17 (400), replay with
/// <c>Idempotent-Replayed: true</c>, other body → 409 (2025-09-29) / 422, in flight → 409 + <c>Retry-After</c>;
/// 5xx responses are never stored.</item>
/// </list>
/// </summary>
public sealed class AcpEndpointFilter(AcpSurface api) : IEndpointFilter
{
    public const string RequestIdHeader = "Request-Id";
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var services = http.RequestServices;
        var options = services.GetRequiredService<IOptions<AcpOptions>>().Value;
        var log = services.GetRequiredService<ILogger<AcpEndpointFilter>>();

        var requestId = http.Request.Headers[RequestIdHeader].ToString();
        requestId = IsPrintable(requestId, 200) ? requestId : null;
        var locale = AcpTexts.Negotiate(http.Request.Headers.AcceptLanguage.ToString());
        http.Response.OnStarting(() =>
        {
            if (requestId is not null) http.Response.Headers[RequestIdHeader] = requestId;
            http.Response.Headers.ContentLanguage = locale;
            return Task.CompletedTask;
        });

        var caller = await AuthenticateAsync(http, services);
        if (caller is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer realm=\"acp\"";
            return new AcpError(401, AcpError.InvalidRequest, "unauthorized", AcpTexts.Get(locale, "err.unauthorized")).ToResponse();
        }

        // After authentication, so one platform's burst cannot starve another; before any work is done for it.
        if (services.GetRequiredService<RunRateLimiter>().AcquireAgentPlatform(caller.Owner) is { } wait)
            return RateLimited(api, locale, wait).ToResponse();

        var supported = options.Versions();
        var newestFirst = supported.Reverse().Select(v => v.ToWire()).ToArray();
        var rawVersion = http.Request.Headers[AcpVersions.Header].ToString();
        // Feeds are fetched by plain crawlers too: without API-Version they answer in the newest version.
        if (api == AcpSurface.Feed && string.IsNullOrWhiteSpace(rawVersion)) rawVersion = supported[^1].ToWire();
        if (string.IsNullOrWhiteSpace(rawVersion))
            return new AcpError(400, AcpError.InvalidRequest, "missing_api_version", AcpTexts.Get(locale, "err.missing_version"))
                { SupportedVersions = newestFirst }.ToResponse();
        if (AcpVersions.Parse(rawVersion) is not { } version || !supported.Contains(version))
            return new AcpError(400, AcpError.InvalidRequest, "unsupported_api_version", AcpTexts.Get(locale, "err.unsupported_version", Clip(rawVersion)))
                { SupportedVersions = newestFirst }.ToResponse();

        var isPost = HttpMethods.IsPost(http.Request.Method);
        byte[] body = [];
        if (isPost)
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
            body = buffer.ToArray();
            if (body.Length > 0 && JsonError(body) is { } syntax)
                return BodyError(locale, syntax).ToResponse();
        }

        if (caller.Platform?.SigningSecret is { Length: > 0 } secret)
        {
            var clock = services.GetRequiredService<TimeProvider>();
            if (RequestSignatures.Verify(secret, http.Request.Headers[RequestSignatures.SignatureHeader], http.Request.Headers[RequestSignatures.TimestampHeader],
                    body, clock.GetUtcNow(), options.SignatureClockSkew) is { } bad)
            {
                log.LogWarning("Refused an ACP request from {Owner}: {Reason}", caller.Owner, bad.Code);
                return new AcpError(401, AcpError.InvalidRequest, bad.Code, bad.Message).ToResponse();
            }
        }

        string? key = null;
        IdempotencyDecision.Proceed? owned = null;
        var store = services.GetRequiredService<IdempotencyStore>();
        if (isPost)
        {
            var raw = http.Request.Headers[IdempotencyKeyHeader];
            if (raw.Count == 0)
            {
                if (version.RequiresIdempotencyKey())
                    return new AcpError(400, AcpError.InvalidRequest, "idempotency_key_required",
                        "Idempotency-Key header is required on every POST (ACP 2026-04-17).").ToResponse();
            }
            else
            {
                key = raw.ToString();
                if (key.Length is 0 or > 255 || raw.Count > 1)
                    return new AcpError(400, AcpError.InvalidRequest, api == AcpSurface.DelegatePayment ? "invalid_card" : "invalid_idempotency_key",
                        "Idempotency-Key must be one value of 1 to 255 characters.").ToResponse();
                var route = $"{http.Request.Method} {http.Request.Path}";
                switch (await store.BeginAsync(caller.Owner, route, key, CanonicalJson.Fingerprint(body), http.RequestAborted))
                {
                    case IdempotencyDecision.Replay replay:
                        return replay.Response.WithHeader(ReplayedHeader, "true").WithHeader(IdempotencyKeyHeader, key);
                    case IdempotencyDecision.Conflict:
                        return new AcpError(version.IdempotencyConflictStatus(), AcpError.InvalidRequest, "idempotency_conflict",
                            "Idempotency-Key has already been used with a different request body.").ToResponse().WithHeader(IdempotencyKeyHeader, key);
                    case IdempotencyDecision.InFlight:
                        var code = api == AcpSurface.DelegatePayment && version < AcpVersion.V20260417 ? "duplicate_request" : "idempotency_in_flight";
                        return new AcpError(409, AcpError.InvalidRequest, code, "A request with this Idempotency-Key is currently being processed.")
                            { RetryAfterSeconds = options.Idempotency.RetryAfterSeconds }.ToResponse().WithHeader(IdempotencyKeyHeader, key);
                    case IdempotencyDecision.Proceed p:
                        owned = p;
                        break;
                }
            }
        }

        var publicBase = options.PublicBaseUrl ?? new Uri($"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}");
        new AcpCall(caller, version, locale, requestId, key, body, publicBase).Attach(http);

        AcpResponse response;
        try
        {
            var result = await next(context);
            if (result is not AcpResponse acpResponse)
            {
                // Feeds stream files; they are GETs, so nothing is stored for idempotency.
                if (api == AcpSurface.Feed && owned is null) return result;
                throw new InvalidOperationException($"ACP handler of {http.Request.Path} did not return an AcpResponse.");
            }
            response = acpResponse;
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The caller hung up: nothing was answered, so nothing may be replayed.
            if (owned is not null) await store.AbandonAsync(owned.RowId);
            throw;
        }
        catch (Exception e)
        {
            log.LogError(e, "ACP {Method} {Path} failed", http.Request.Method, http.Request.Path);
            response = AcpError.Internal("The request could not be processed; retry later.").ToResponse();
        }

        if (key is not null) response = response.WithHeader(IdempotencyKeyHeader, key);
        if (owned is not null)
        {
            if (response.Status >= 500) await store.AbandonAsync(owned.RowId);
            else await store.CompleteAsync(owned.RowId, response, CancellationToken.None);
        }
        return response;

        AcpError BodyError(string loc, string reason) => api == AcpSurface.DelegatePayment
            ? new AcpError(400, AcpError.InvalidRequest, "invalid_card", AcpTexts.Get(loc, "err.invalid_json", reason))
            : new AcpError(400, AcpError.InvalidRequest, "invalid_json", AcpTexts.Get(loc, "err.invalid_json", reason));
    }

    async Task<AcpCaller?> AuthenticateAsync(HttpContext http, IServiceProvider services)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return null;
        var token = header["Bearer ".Length..].Trim();
        if (token.Length == 0) return null;
        if (services.GetRequiredService<AcpPlatformKeys>().Find(token) is { } platform) return AcpCaller.ForPlatform(platform);
        if (api == AcpSurface.Checkout || token.Count(c => c == '.') != 2) return null;
        // Buyers (e.g. an MCP client) may tokenize a card and read feeds with their Keycloak access token.
        var result = await http.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
        if (!result.Succeeded || result.Principal.FindFirst("sub")?.Value is not { Length: > 0 } sub) return null;
        http.User = result.Principal;
        return AcpCaller.ForUser(result.Principal, sub);
    }

    static string? JsonError(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object ? null : "the body must be a JSON object";
        }
        catch (JsonException e)
        {
            return e.Message;
        }
    }

    /// <summary>429 in each API's own vocabulary: delegate_payment's Error enum has <c>rate_limit_exceeded</c> /
    /// <c>too_many_requests</c>; checkout's Error types do not, so it answers <c>service_unavailable</c> with the code
    /// <c>rate_limited</c> (the word ACP's messages use). Both carry <c>Retry-After</c>.</summary>
    static AcpError RateLimited(AcpSurface api, string locale, TimeSpan wait)
    {
        var message = AcpTexts.Get(locale, "err.rate_limited");
        var error = api == AcpSurface.DelegatePayment
            ? new AcpError(429, AcpError.RateLimitExceeded, "too_many_requests", message)
            : new AcpError(429, AcpError.ServiceUnavailable, "rate_limited", message);
        return error with { RetryAfterSeconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) };
    }

    static bool IsPrintable(string value, int max) =>
        value.Length > 0 && value.Length <= max && value.All(c => c is >= (char)0x21 and <= (char)0x7e);

    static string Clip(string value) => value.Length <= 40 ? value : value[..40];
}
