using Cmp.Primitives;

namespace Cmp.Saleor.Webhooks;

/// <summary>
/// Why a delivery was refused. The kinds are chosen for the receiver's answer: Unauthorized/Forbidden/Validation
/// become 4xx (Saleor does not retry them), Transient becomes 503 (Saleor retries in 10, 20, 40… s), so a delivery
/// that could not be checked because of <em>our</em> side (keys unreachable, lookups throttled) is not lost.
/// </summary>
public static class SaleorWebhookErrors
{
    public const string SignatureMissing = "webhook_signature_missing";
    public const string SignatureMalformed = "webhook_signature_malformed";
    public const string SignatureInvalid = "webhook_signature_invalid";
    public const string KeyUnknown = "webhook_key_unknown";
    public const string KeysUnavailable = "webhook_keys_unavailable";
    public const string KeysThrottled = "webhook_keys_throttled";
    public const string ApiUrlMissing = "webhook_api_url_missing";
    public const string ApiUrlMismatch = "webhook_api_url_mismatch";
    public const string DomainMissing = "webhook_domain_missing";
    public const string DomainMismatch = "webhook_domain_mismatch";
    public const string EventMissing = "webhook_event_missing";
    public const string BodyTooLarge = "webhook_body_too_large";
    public const string PayloadInvalid = "webhook_payload_invalid";
    public const string EventMismatch = "webhook_event_mismatch";
    public const string EventUnsupported = "webhook_event_unsupported";

    internal static Error Unauthorized(string code, string message) => new(code, message, ErrorKind.Unauthorized);
}
