using System.Globalization;
using System.Text.Json;
using Cmp.Gateway.Features.Acp.Checkout;
using Cmp.Gateway.Features.Acp.Protocol;
using Cmp.Gateway.Features.Acp.Wire;
using Cmp.Gateway.Infrastructure.Commerce;
using Cmp.Gateway.Infrastructure.Commerce.Entities;
using Cmp.Primitives;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cmp.Gateway.Features.Payments.TestPsp;

/// <summary>
/// <c>POST …/agentic_commerce/delegate_payment</c> of the built-in test PSP (acp.md §11): validates the card (Luhn,
/// expiry, CVC) and the allowance, refuses blocking risk signals, and issues a single-use <c>vt_…</c> vault token bound
/// to the allowance. Only a hash of the token and a receipt-level card summary are kept; the card number and CVC are
/// never stored or logged. Errors use delegate payment's closed code enum (<c>invalid_card</c>); structural problems
/// are 400, semantic ones (Luhn, dates, risk) 422, as in the spec's examples.
/// </summary>
public sealed class DelegatePayment(IDbContextFactory<CommerceDbContext> dbs, IOptions<PaymentOptions> options, TimeProvider clock, ILogger<DelegatePayment> log)
{
    TestPspOptions O => options.Value.TestPsp;

    public async Task<AcpResponse> HandleAsync(AcpCall call, CancellationToken ct)
    {
        var parsed = AcpWires.Read<DelegatePaymentRequest>(call.Body, call.Locale);
        if (!parsed.TryGetValue(out var request, out var readError))
            return Card(400, readError.Message, readError.Details.GetValueOrDefault(AcpErrors.ParamKey) as string);
        var now = clock.GetUtcNow();
        if (Validate(request, call.Version, now) is { } invalid) return invalid;

        var card = request.PaymentMethod!;
        var allowance = request.Allowance!;
        var number = card.Number!;
        var brand = TestCards.BrandOf(number);
        var token = "vt_" + SessionIds.Random(20);
        var metadata = new Dictionary<string, string>(request.Metadata!, StringComparer.Ordinal)
        {
            ["source"] = "cmp_test_psp",
            ["merchant_id"] = allowance.MerchantId!,
            ["checkout_session_id"] = allowance.CheckoutSessionId!,
        };
        if (call.IdempotencyKey is { } key) metadata["idempotency_key"] = key;

        await using var db = await dbs.CreateDbContextAsync(ct);
        db.VaultTokens.Add(new VaultTokenRow
        {
            TokenHash = PaymentAttempts.TokenHash(token), Hint = PaymentAttempts.TokenHint(token), Owner = call.Owner,
            MaxAmount = allowance.MaxAmount!.Value, Currency = allowance.Currency!, CheckoutSessionId = allowance.CheckoutSessionId!,
            MerchantId = allowance.MerchantId!, ExpiresAt = allowance.ExpiresAt!.Value, CardBrand = brand, CardLast4 = number[^4..],
            CardFunding = card.DisplayCardFundingType!, Behaviour = TestCards.BehaviourOf(number), Status = VaultTokenStatus.Active,
            Metadata = JsonSerializer.Serialize(metadata), CreatedAt = now,
        });
        await db.SaveChangesAsync(ct);
        log.LogInformation("Test PSP issued a vault token ({Brand} …{Last4}) for {MaxAmount} {Currency}, session {SessionId}, to {Owner}",
            brand, number[^4..], allowance.MaxAmount, allowance.Currency, allowance.CheckoutSessionId, call.Owner);
        return AcpResponse.Json(201, new DelegatePaymentResponse(token, now, metadata), AcpJson.Write);
    }

    AcpResponse? Validate(DelegatePaymentRequest r, AcpVersion version, DateTimeOffset now)
    {
        if (r.PaymentMethod is not { } card) return Card(400, "payment_method is required", "$.payment_method");
        if (r.Allowance is not { } a) return Card(400, "allowance is required", "$.allowance");
        if (r.RiskSignals is not { } risks) return Card(400, "risk_signals is required", "$.risk_signals");
        if (r.Metadata is null) return Card(400, "metadata is required", "$.metadata");

        if (card.Type != "card") return Card(400, "payment_method.type must be 'card'", "$.payment_method.type");
        if (card.CardNumberType is not ("fpan" or "network_token")) return Card(400, "card_number_type must be fpan or network_token", "$.payment_method.card_number_type");
        if (string.IsNullOrEmpty(card.Number)) return Card(400, "payment_method.number is required", "$.payment_method.number");
        if (card.DisplayCardFundingType is not ("credit" or "debit" or "prepaid"))
            return Card(400, "display_card_funding_type must be credit, debit or prepaid", "$.payment_method.display_card_funding_type");
        if (card.Metadata is null) return Card(400, "payment_method.metadata is required", "$.payment_method.metadata");
        if (card.ExpMonth is { Length: > 2 }) return Card(400, "exp_month has at most 2 characters", "$.payment_method.exp_month");
        if (card.ExpYear is { Length: > 4 }) return Card(400, "exp_year has at most 4 characters", "$.payment_method.exp_year");
        if (card.Cvc is { Length: > 4 }) return Card(400, "cvc has at most 4 characters", "$.payment_method.cvc");
        if (card.EciValue is { Length: > 2 }) return Card(400, "eci_value has at most 2 characters", "$.payment_method.eci_value");
        if (card.Iin is { } iin && iin.Length > (version >= AcpVersion.V20260417 ? 8 : 6)) return Card(400, "iin is too long", "$.payment_method.iin");
        if (card.DisplayLast4 is { Length: > 4 }) return Card(400, "display_last4 has at most 4 characters", "$.payment_method.display_last4");
        if (card.ChecksPerformed?.FirstOrDefault(c => c is not ("avs" or "cvv" or "ani" or "auth0")) is { } check)
            return Card(400, $"checks_performed: '{check}' is not avs, cvv, ani or auth0", "$.payment_method.checks_performed");

        if (a.Reason != "one_time") return Card(400, "allowance.reason must be 'one_time'", "$.allowance.reason");
        if (a.MaxAmount is null) return Card(400, "allowance.max_amount is required", "$.allowance.max_amount");
        if (a.Currency is not { Length: 3 } currency || !currency.All(char.IsAsciiLetterLower))
            return Card(400, "allowance.currency must be a lower-case ISO 4217 code", "$.allowance.currency");
        if (string.IsNullOrEmpty(a.CheckoutSessionId)) return Card(400, "allowance.checkout_session_id is required", "$.allowance.checkout_session_id");
        if (string.IsNullOrEmpty(a.MerchantId) || a.MerchantId.Length > 256) return Card(400, "allowance.merchant_id is required (at most 256 characters)", "$.allowance.merchant_id");
        if (a.ExpiresAt is null) return Card(400, "allowance.expires_at is required", "$.allowance.expires_at");
        if (version < AcpVersion.V20260417 && risks.Count == 0) return Card(400, "risk_signals needs at least one signal", "$.risk_signals");
        for (var i = 0; i < risks.Count; i++)
        {
            if (risks[i] is not { Type: "card_testing", Score: not null, Action: "blocked" or "manual_review" or "authorized" })
                return Card(400, "each risk signal needs type card_testing, an integer score and action blocked, manual_review or authorized", $"$.risk_signals[{i}]");
        }
        if (r.BillingAddress is { } b)
        {
            foreach (var (value, field, max) in new[] { (b.Name, "name", 256), (b.LineOne, "line_one", 60), (b.City, "city", 60), (b.State, "state", 256),
                         (b.Country, "country", 2), (b.PostalCode, "postal_code", 20) })
                if (string.IsNullOrWhiteSpace(value) || value.Length > max) return Card(400, $"billing_address.{field} is required (at most {max} characters)", $"$.billing_address.{field}");
            if (b.LineTwo is { Length: > 60 }) return Card(400, "billing_address.line_two has at most 60 characters", "$.billing_address.line_two");
        }

        // Semantic checks: a well-formed request for a card or allowance that cannot be used.
        var number = card.Number;
        if (!TestCards.IsLuhnValid(number)) return Card(422, "Invalid card number provided", "$.payment_method.number");
        if (card.DisplayLast4 is { } last4 && (last4.Length != 4 || last4 != number[^4..]))
            return Card(422, "display_last4 does not match the card number", "$.payment_method.display_last4");
        if (card.Cvc is { } cvc && (cvc.Length < 3 || !cvc.All(char.IsAsciiDigit))) return Card(422, "cvc must be 3 or 4 digits", "$.payment_method.cvc");
        if (card.ExpMonth is { } m && (!int.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out var month) || month is < 1 or > 12))
            return Card(422, "exp_month must be 01 to 12", "$.payment_method.exp_month");
        if (card.ExpYear is { } y && (y.Length != 4 || !int.TryParse(y, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            return Card(422, "exp_year must be four digits", "$.payment_method.exp_year");
        if (card.ExpMonth is { } em && card.ExpYear is { } ey)
        {
            var expiry = new DateTimeOffset(int.Parse(ey, CultureInfo.InvariantCulture), int.Parse(em, CultureInfo.InvariantCulture), 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
            if (expiry <= now) return Card(422, "The card has expired", "$.payment_method.exp_year");
        }
        if (a.MaxAmount <= 0) return Card(422, "allowance.max_amount must be positive", "$.allowance.max_amount");
        if (a.ExpiresAt <= now) return Card(422, "allowance.expires_at is in the past", "$.allowance.expires_at");
        if (a.ExpiresAt > now + O.MaxAllowanceLifetime) return Card(422, $"allowance.expires_at is more than {O.MaxAllowanceLifetime.TotalDays:0} days away", "$.allowance.expires_at");
        for (var i = 0; i < risks.Count; i++)
        {
            var s = risks[i];
            if (s.Action == "blocked" || (s.Action == "manual_review" && s.Score >= O.ManualReviewBlockScore))
                return Card(422, $"Refused: risk signal {s.Type} (score {s.Score}, {s.Action})", $"$.risk_signals[{i}]");
        }
        return null;
    }

    static AcpResponse Card(int status, string message, string? param) =>
        new AcpError(status, AcpError.InvalidRequest, "invalid_card", message, param).ToResponse();
}
