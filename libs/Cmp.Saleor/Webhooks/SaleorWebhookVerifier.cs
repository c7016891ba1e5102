using System.Security.Cryptography;
using System.Text;
using Cmp.Primitives;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cmp.Saleor.Webhooks;

/// <summary>
/// Checks a Saleor webhook delivery before anything reads its body (saleor.md §1.5): the <c>Saleor-Api-Url</c> and
/// <c>Saleor-Domain</c> headers must name the configured Saleor, and <c>Saleor-Signature</c> must be a valid RS256
/// detached JWS over the exact body bytes under a key from that Saleor's JWKS — or, when
/// <see cref="SaleorOptions.WebhookSecret"/> is set, the lowercase hex HMAC-SHA256 of the body (legacy mode).
/// Every refusal names exactly what was wrong (<see cref="SaleorWebhookErrors"/>).
/// </summary>
public sealed class SaleorWebhookVerifier(IOptions<SaleorOptions> options, ISaleorSigningKeys keys, ILogger<SaleorWebhookVerifier> logger)
{
    readonly SaleorOptions _options = options.Value;

    /// <summary>Largest body accepted (<see cref="SaleorOptions.WebhookMaxBodyBytes"/>).</summary>
    public int MaxBodyBytes => _options.WebhookMaxBodyBytes;

    public async Task<Result<VerifiedSaleorWebhook>> VerifyAsync(SaleorWebhookRequest request, CancellationToken ct = default)
    {
        var result = await CheckAsync(request, ct);
        if (!result.IsSuccess)
            logger.LogWarning("Refused a Saleor webhook ({Event} from {Domain}): {ErrorCode}: {ErrorMessage}",
                request.Event ?? "no event", request.Domain ?? "no domain", result.Error.Code, result.Error.Message);
        return result;
    }

    async Task<Result<VerifiedSaleorWebhook>> CheckAsync(SaleorWebhookRequest r, CancellationToken ct)
    {
        if (r.Body.Length > _options.WebhookMaxBodyBytes)
            return Error.Validation(SaleorWebhookErrors.BodyTooLarge, $"The body has {r.Body.Length} bytes; at most {_options.WebhookMaxBodyBytes} are accepted.");
        if (string.IsNullOrWhiteSpace(r.Signature))
            return SaleorWebhookErrors.Unauthorized(SaleorWebhookErrors.SignatureMissing, "The Saleor-Signature header is missing.");

        var expectedApi = _options.ExpectedWebhookApiUrl();
        if (string.IsNullOrWhiteSpace(r.ApiUrl))
            return Error.Forbidden(SaleorWebhookErrors.ApiUrlMissing, "The Saleor-Api-Url header is missing.");
        if (!Uri.TryCreate(r.ApiUrl.Trim(), UriKind.Absolute, out var apiUrl) || !SameEndpoint(apiUrl, expectedApi))
            return Error.Forbidden(SaleorWebhookErrors.ApiUrlMismatch,
                $"Saleor-Api-Url '{r.ApiUrl}' is not the configured Saleor ({expectedApi}); deliveries from other Saleor instances are refused.");

        var expectedDomain = _options.ExpectedWebhookDomain();
        if (string.IsNullOrWhiteSpace(r.Domain))
            return Error.Forbidden(SaleorWebhookErrors.DomainMissing, "The Saleor-Domain header is missing.");
        if (!string.Equals(r.Domain.Trim(), expectedDomain, StringComparison.OrdinalIgnoreCase))
            return Error.Forbidden(SaleorWebhookErrors.DomainMismatch, $"Saleor-Domain '{r.Domain}' is not the configured Saleor ({expectedDomain}).");

        if (string.IsNullOrWhiteSpace(r.Event))
            return Error.Validation(SaleorWebhookErrors.EventMissing, "The Saleor-Event header is missing.");
        var eventName = r.Event.Trim().ToLowerInvariant();

        if (!string.IsNullOrEmpty(_options.WebhookSecret))
        {
            return VerifyHmac(r.Signature.Trim(), r.Body.Span, _options.WebhookSecret)
                ? new VerifiedSaleorWebhook(eventName, r.Body, apiUrl, r.Domain.Trim(), SaleorSignatureMode.Hmac, null)
                : SaleorWebhookErrors.Unauthorized(SaleorWebhookErrors.SignatureInvalid,
                    r.Signature.Contains('.', StringComparison.Ordinal)
                        ? "Saleor-Signature is a JWS but Saleor:WebhookSecret is set, so an HMAC signature is expected."
                        : "Saleor-Signature does not match the HMAC-SHA256 of the body under Saleor:WebhookSecret.");
        }

        var parsed = DetachedJws.Parse(r.Signature);
        if (!parsed.TryGetValue(out var jws, out var malformed)) return malformed;
        var key = await keys.GetAsync(jws.KeyId, ct);
        if (!key.TryGetValue(out var rsa, out var keyError)) return keyError;
        if (!jws.Verify(rsa, r.Body.Span))
            return SaleorWebhookErrors.Unauthorized(SaleorWebhookErrors.SignatureInvalid,
                $"Saleor-Signature does not verify over the body with key '{jws.KeyId}' (the body was altered or re-serialised, or the signature forged).");
        return new VerifiedSaleorWebhook(eventName, r.Body, apiUrl, r.Domain.Trim(), SaleorSignatureMode.Jws, jws.KeyId);
    }

    /// <summary>Lowercase hex HMAC-SHA256 of the body with the UTF-8 secret (saleor.md §1.4), compared in constant time.</summary>
    public static bool VerifyHmac(string signature, ReadOnlySpan<byte> body, string secret)
    {
        var expected = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)));
        var given = Encoding.ASCII.GetBytes(signature.ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    static bool SameEndpoint(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port
        && string.Equals(a.AbsolutePath, b.AbsolutePath, StringComparison.Ordinal)
        && string.IsNullOrEmpty(a.Query);
}
