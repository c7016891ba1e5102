using Cmp.Primitives;

namespace Cmp.Stripe;

/// <summary>
/// How Stripe's answers become <see cref="Error"/> values. The code is <c>stripe_&lt;error.code&gt;</c> (or the error type
/// when there is no code); the kind follows the HTTP status: 402 → PaymentRequired (a decline), 400 → Validation,
/// 401/403 → Unauthorized/Forbidden (configuration), 404 → NotFound, 409 → Conflict, 429 → RateLimited,
/// 5xx → Transient. The full Stripe error (with the PaymentIntent a failed call created) is attached.
/// </summary>
public static class StripeErrors
{
    internal const string BodyKey = "stripe_error";
    internal const string RequestIdKey = "stripe_request_id";
    internal const string StatusKey = "stripe_status";

    /// <summary>Stripe's error object behind this error, if Stripe answered one.</summary>
    public static StripeErrorBody? StripeError(this Error error) =>
        error.Details.TryGetValue(BodyKey, out var v) ? v as StripeErrorBody : null;

    /// <summary>The PaymentIntent a failed create/confirm left behind (a decline still creates one).</summary>
    public static PaymentIntent? FailedPaymentIntent(this Error error) => error.StripeError()?.PaymentIntent;

    /// <summary>The HTTP status Stripe answered, or null for transport failures (unreachable, timed out).</summary>
    public static int? StripeStatus(this Error error) =>
        error.Details.TryGetValue(StatusKey, out var v) && v is int s ? s : null;

    /// <summary>True when Stripe declined the card (402 <c>card_error</c>).</summary>
    public static bool IsCardDecline(this Error error) =>
        error.StripeStatus() == 402 || error.StripeError()?.Type == StripeErrorBody.CardError;

    internal static Error From(int status, StripeErrorBody? body, string? requestId)
    {
        var code = "stripe_" + (body?.Code ?? body?.Type ?? $"http_{status}");
        var message = body?.Message is { Length: > 0 } m ? m : $"Stripe answered {status}.";
        var kind = status switch
        {
            400 => ErrorKind.Validation,
            401 => ErrorKind.Unauthorized,
            402 => ErrorKind.PaymentRequired,
            403 => ErrorKind.Forbidden,
            404 => ErrorKind.NotFound,
            409 => ErrorKind.Conflict,
            429 => ErrorKind.RateLimited,
            >= 500 => ErrorKind.Transient,
            _ => ErrorKind.Permanent,
        };
        var error = new Error(code, message, kind).With(StatusKey, status);
        if (body is not null) error = error.With(BodyKey, body);
        return requestId is null ? error : error.With(RequestIdKey, requestId);
    }
}
