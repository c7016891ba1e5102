using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cmp.Stripe;

// Stripe objects as CMP reads them (snake_case JSON, only the fields used; unknown fields are ignored).

/// <summary>A PaymentIntent (stripe.md §2.3). <see cref="Status"/>: requires_payment_method, requires_confirmation,
/// requires_action, processing, requires_capture, succeeded, canceled.</summary>
public sealed record PaymentIntent(
    string Id,
    string Status,
    long Amount,
    string Currency,
    long AmountReceived,
    string? CaptureMethod,
    string? PaymentMethod,
    string? LatestCharge,
    StripeErrorBody? LastPaymentError,
    NextAction? NextAction,
    IReadOnlyDictionary<string, string>? Metadata,
    long Created)
{
    public const string Succeeded = "succeeded";
    public const string RequiresCapture = "requires_capture";
    public const string RequiresAction = "requires_action";
    public const string RequiresPaymentMethod = "requires_payment_method";
    public const string Processing = "processing";
    public const string Canceled = "canceled";

    /// <summary>Money was captured, or authorised for a later capture.</summary>
    public bool IsPaid => Status is Succeeded or RequiresCapture;
}

/// <summary><c>next_action</c>: <c>redirect_to_url</c> carries a URL; <c>use_stripe_sdk</c> is opaque to a server.</summary>
public sealed record NextAction(string Type, RedirectToUrl? RedirectToUrl);

public sealed record RedirectToUrl(string? Url, string? ReturnUrl);

/// <summary>A refund (stripe.md §4.2). <see cref="Status"/>: pending, requires_action, succeeded, failed, canceled.</summary>
public sealed record Refund(string Id, long Amount, string Currency, string? PaymentIntent, string Status, string? Reason);

/// <summary>A shared payment token as the seller sees it (stripe.md §3.4).</summary>
public sealed record GrantedToken(
    string Id,
    long Created,
    long? DeactivatedAt,
    string? DeactivatedReason,
    UsageLimits? UsageLimits,
    UsageDetails? UsageDetails,
    PaymentMethodDetails? PaymentMethodDetails)
{
    /// <summary>What may still be captured with this token, or null when it has no amount limit.</summary>
    public long? Remaining => UsageLimits?.MaxAmount is { } max ? max - (UsageDetails?.AmountCaptured?.Value ?? 0) : null;
}

public sealed record UsageLimits(string? Currency, long? MaxAmount, long? ExpiresAt);

public sealed record UsageDetails(AmountValue? AmountCaptured);

public sealed record AmountValue(long Value, string? Currency);

public sealed record PaymentMethodDetails(string? Type, CardDetails? Card);

public sealed record CardDetails(string? Brand, string? Last4, string? Funding, string? Country, int? ExpMonth, int? ExpYear);

/// <summary>Stripe's error object (stripe.md §1.6), with the PaymentIntent a failed PaymentIntent call created.</summary>
public sealed record StripeErrorBody(
    string? Type,
    string? Code,
    string? DeclineCode,
    string? Message,
    string? Param,
    PaymentIntent? PaymentIntent)
{
    public const string CardError = "card_error";
    public const string InvalidRequestError = "invalid_request_error";
    public const string IdempotencyError = "idempotency_error";
    public const string ApiError = "api_error";
}

sealed record StripeErrorEnvelope(StripeErrorBody? Error);

/// <summary>JSON conventions of Stripe's API, read leniently.</summary>
public static class StripeJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
