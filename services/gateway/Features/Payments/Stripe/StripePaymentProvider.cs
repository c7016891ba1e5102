using Cmp.Gateway.Features.Acp.Checkout;
using Cmp.Gateway.Features.Payments.TestPsp;
using Cmp.Primitives;
using Cmp.Stripe;
using Microsoft.Extensions.Options;

namespace Cmp.Gateway.Features.Payments.Stripe;

/// <summary>
/// Charges a Stripe credential by creating and confirming a PaymentIntent (stripe.md §2–3). A shared payment token is
/// first checked locally against its usage limits (deactivated, expired, other currency, not enough left), so a charge
/// Stripe would refuse is never attempted. Outcomes (stripe.md §3.6): <c>succeeded</c>/<c>requires_capture</c> → paid;
/// 402 <c>card_error</c> or a 400 on the token → declined; <c>requires_action</c> → 3-D Secure; 409, 429, 5xx and
/// timeouts → unknown (the attempt keeps its idempotency key, and the next complete re-sends the identical request).
/// </summary>
public sealed class StripePaymentProvider(IStripeClient stripe, IOptions<PaymentOptions> options, TimeProvider clock, ILogger<StripePaymentProvider> log)
    : IPaymentProvider
{
    public const string ProviderId = "stripe";
    StripeProviderOptions O => options.Value.Stripe;

    public string Id => ProviderId;
    public string HandlerId => O.HandlerId;

    public bool Accepts(string token) =>
        token.StartsWith("spt_", StringComparison.Ordinal) || token.StartsWith("pm_", StringComparison.Ordinal) || token.StartsWith("tok_", StringComparison.Ordinal);

    public PaymentHandlerDescriptor Describe(Uri publicBase) => new(
        O.HandlerId, "dev.acp.tokenized.card", "Card (Stripe)", "2026-04-17", "https://acp.dev/handlers/tokenized.card",
        RequiresDelegatePayment: true, RequiresPciCompliance: false, Psp: "stripe",
        "https://acp.dev/schemas/handlers/tokenized.card/config.json", ["https://acp.dev/schemas/handlers/tokenized.card/instrument.json"],
        new Dictionary<string, object>
        {
            ["merchant_id"] = O.AccountId ?? "",
            ["psp"] = "stripe",
            ["credential_types"] = new[] { "spt" },
            ["supports_3ds"] = true,
        });

    public async Task<ChargeOutcome> ChargeAsync(ChargeRequest r, CancellationToken ct)
    {
        var threeDs = r.Authentication is { Authenticated: true } a && a.Cryptogram is not null
            ? new ExternalThreeDSecure(a.Cryptogram, a.ElectronicCommerceIndicator!, a.TransactionId!, a.Version!)
            : null;
        Result<PaymentIntent> result;
        string? brand = null;
        if (r.ExistingReference is { Length: > 0 } intentId)
        {
            result = await stripe.ConfirmPaymentIntentAsync(intentId, new PaymentIntentConfirm { ThreeDSecure = threeDs }, r.IdempotencyKey, ct);
        }
        else
        {
            var credential = StripeCredential.Parse(r.Token);
            if (credential is StripeCredential.SharedPaymentToken spt)
            {
                var check = await CheckTokenAsync(spt.Token, r.Amount, ct);
                if (check.Refusal is { } refused) return refused;
                brand = check.Brand;
            }
            result = await stripe.CreatePaymentIntentAsync(new PaymentIntentCreate(r.Amount.Minor, r.Amount.Currency, credential)
            {
                CaptureMethod = O.CaptureMethod,
                ThreeDSecure = threeDs,
                Description = $"ACP checkout session {r.SessionId}",
                Metadata = new Dictionary<string, string> { ["checkout_session_id"] = r.SessionId, ["merchant_id"] = r.MerchantId },
            }, r.IdempotencyKey, ct);
        }
        return result.IsSuccess ? FromIntent(result.Value, brand) : FromError(result.Error);
    }

    ChargeOutcome FromIntent(PaymentIntent pi, string? brand) => pi.Status switch
    {
        _ when pi.IsPaid => new ChargeOutcome.Succeeded(pi.Id),
        PaymentIntent.RequiresAction => new ChargeOutcome.RequiresAuthentication(pi.Id, new AuthenticationChallenge(
            O.ThreeDs.AcquirerBin, O.ThreeDs.AcquirerCountry, O.ThreeDs.AcquirerMerchantId, O.ThreeDs.MerchantName,
            TestCards.DirectoryServerOf(brand ?? "visa"), "challenge")),
        PaymentIntent.RequiresPaymentMethod or PaymentIntent.Canceled => new ChargeOutcome.Declined(
            pi.LastPaymentError?.DeclineCode ?? pi.LastPaymentError?.Code ?? "card_declined", pi.LastPaymentError?.Message ?? "The card was declined."),
        // processing and requires_confirmation: not paid yet, not refused; the same request again will tell.
        _ => new ChargeOutcome.Failed(Error.Transient("payment_processing", $"Stripe has the payment in state '{pi.Status}'; retry shortly.")),
    };

    ChargeOutcome FromError(Error e)
    {
        var body = e.StripeError();
        if (e.IsCardDecline())
            return new ChargeOutcome.Declined(body?.DeclineCode ?? body?.Code ?? "card_declined", body?.Message ?? "The card was declined.");
        if (e.StripeStatus() == 400 && body?.Type == StripeErrorBody.InvalidRequestError && body.Param?.Contains("shared_payment", StringComparison.Ordinal) == true)
            return new ChargeOutcome.Declined(body.Code ?? "invalid_token", body.Message ?? "The shared payment token cannot be used.");
        if (e.StripeStatus() == 400 && body?.Type == StripeErrorBody.IdempotencyError)
            log.LogError("Stripe refused a reused idempotency key with other parameters: {Error}. This is a bug.", e.Message);
        return new ChargeOutcome.Failed(e);
    }

    sealed record TokenCheck(ChargeOutcome? Refusal, string? Brand);

    /// <summary>stripe.md §3.5: refuse locally what the token's limits forbid, without creating a PaymentIntent.</summary>
    async Task<TokenCheck> CheckTokenAsync(string token, Money amount, CancellationToken ct)
    {
        var read = await stripe.GetGrantedTokenAsync(token, ct);
        if (!read.IsSuccess)
            return read.Error.StripeStatus() is 400 or 404
                ? new(new ChargeOutcome.Declined("invalid_token", "Stripe does not know this shared payment token."), null)
                : new(new ChargeOutcome.Failed(read.Error), null);
        var t = read.Value;
        var brand = t.PaymentMethodDetails?.Card?.Brand;
        if (t.DeactivatedReason is { } reason)
            return new(new ChargeOutcome.Declined("token_" + reason, $"The shared payment token is no longer usable ({reason})."), brand);
        if (t.UsageLimits is { } limits)
        {
            if (limits.ExpiresAt is { } exp && clock.GetUtcNow().ToUnixTimeSeconds() >= exp)
                return new(new ChargeOutcome.Declined("allowance_expired", "The shared payment token has expired."), brand);
            if (limits.Currency is { } cur && !string.Equals(cur, amount.Currency, StringComparison.OrdinalIgnoreCase))
                return new(new ChargeOutcome.Declined("allowance_currency_mismatch", $"The token is limited to {cur}."), brand);
            if (t.Remaining is { } left && amount.Minor > left)
                return new(new ChargeOutcome.Declined("allowance_exceeded", $"The total {amount.Minor} exceeds what the token allows ({left})."), brand);
        }
        return new(null, brand);
    }

    public async Task<Result<Unit>> RefundAsync(string pspReference, Money amount, string idempotencyKey, CancellationToken ct)
    {
        var r = await stripe.CreateRefundAsync(new RefundCreate(pspReference) { Amount = amount.Minor, Reason = "requested_by_customer" }, idempotencyKey, ct);
        return r.IsSuccess ? Unit.Value : r.Error;
    }

    public async Task CancelAsync(string pspReference, string idempotencyKey, CancellationToken ct)
    {
        var r = await stripe.CancelPaymentIntentAsync(pspReference, "abandoned", idempotencyKey, ct);
        if (!r.IsSuccess) log.LogWarning("Canceling PaymentIntent {PaymentIntent} failed: {Error}", pspReference, r.Error.Code);
    }
}
