using Cmp.Gateway.Auth.Widget;
using Cmp.Gateway.Domain;
using Cmp.Gateway.Features.RateLimits;
using Cmp.Gateway.Features.Runs;
using Cmp.Primitives;
using Microsoft.Extensions.Options;

namespace Cmp.Gateway.Features.Widget;

/// <summary>Body of <c>POST /v1/widget/session:init</c>.</summary>
public sealed record WidgetSessionRequest(Guid? InstanceId = null, string? Origin = null);

/// <summary>A widget token: send it as <c>Authorization: Bearer …</c> from <see cref="Origin"/> to <c>/v1/runs</c>.</summary>
public sealed record WidgetSession(string Token, string TokenType, DateTimeOffset ExpiresAt, long ExpiresIn, Guid InstanceId, string Origin, string SessionId);

/// <summary>
/// Mints a short-lived widget token for a web page: the tenant's backend (with its API key or a Keycloak token) asks
/// for one per page view and hands it to the browser. The token runs one instance, from one origin, until it expires;
/// it cannot mint further tokens.
/// </summary>
public sealed class WidgetSessions(WidgetTokens tokens, InstanceAccess access, RunRateLimiter limits, IOptions<WidgetOptions> options)
{
    public async Task<Result<WidgetSession>> InitAsync(RunCaller caller, WidgetSessionRequest? request, CancellationToken ct)
    {
        if (caller.Kind == CallerKind.Widget)
            return Error.Forbidden("forbidden", "A widget token cannot mint widget tokens; ask your backend to call session:init with its API key.");
        if (!tokens.Enabled)
            return Error.Transient("widget_disabled", "The widget is not configured on this gateway (Widget:SigningKey is not set).");
        var errors = new List<FieldError>();
        if (request?.InstanceId is null || request.InstanceId == Guid.Empty)
            errors.Add(new("instance_id", "instance_id_required", "instance_id is required: the instance the widget will run."));
        var origin = WidgetOrigin.Parse(request?.Origin, options.Value.AllowHttpLoopbackOrigins);
        if (!origin.IsSuccess) errors.Add(new("origin", origin.Error.Code, origin.Error.Message));
        if (errors.Count > 0) return RunErrors.Validation(errors);

        var limited = limits.AcquireCaller(caller);
        if (!limited.IsSuccess) return limited.Error;
        var target = await access.ResolveAsync(caller, request!.InstanceId!.Value, ct);
        if (!target.TryGetValue(out var t, out var error)) return error;

        var (token, grant) = tokens.Issue(t.InstanceId, t.TenantId, origin.Value, caller.Partition);
        var expiresIn = (long)options.Value.TokenLifetime.TotalSeconds;
        return new WidgetSession(token, "Bearer", grant.ExpiresAt, expiresIn, t.InstanceId, grant.Origin, grant.SessionId);
    }
}
