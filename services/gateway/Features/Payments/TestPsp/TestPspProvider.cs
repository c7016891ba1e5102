using Cmp.Data;
using Cmp.Gateway.Features.Acp.Checkout;
using Cmp.Gateway.Infrastructure.Commerce;
using Cmp.Gateway.Infrastructure.Commerce.Entities;
using Cmp.Primitives;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cmp.Gateway.Features.Payments.TestPsp;

/// <summary>
/// Charges vault tokens of the built-in test PSP. Enforces the allowance the agent platform delegated (acp.md §11.2:
/// one time, at most <c>max_amount</c>, in its currency, before <c>expires_at</c>, for that checkout session and this
/// merchant), then plays the outcome the card's test number stands for (decline, 3-D Secure…). Charges are idempotent
/// by key (a unique index), and a token is consumed by a conditional update in the same transaction as the charge, so
/// it can pay once, whatever runs concurrently. No money moves.
/// </summary>
public sealed class TestPspProvider(IDbContextFactory<CommerceDbContext> dbs, IOptions<PaymentOptions> options, TimeProvider clock) : IPaymentProvider
{
    public const string ProviderId = "test_psp";
    TestPspOptions O => options.Value.TestPsp;

    public string Id => ProviderId;
    public string HandlerId => O.HandlerId;
    public bool Accepts(string token) => token.StartsWith("vt_", StringComparison.Ordinal);

    public PaymentHandlerDescriptor Describe(Uri publicBase) => new(
        O.HandlerId, "dev.acp.tokenized.card", "Card (CMP test PSP)", "2026-04-17", "https://acp.dev/handlers/tokenized.card",
        RequiresDelegatePayment: true, RequiresPciCompliance: false, Psp: "cmp_test_psp",
        "https://acp.dev/schemas/handlers/tokenized.card/config.json", ["https://acp.dev/schemas/handlers/tokenized.card/instrument.json"],
        new Dictionary<string, object>
        {
            ["merchant_id"] = MerchantId,
            ["delegate_payment_url"] = DelegateUrl(publicBase),
            ["accepted_brands"] = new[] { "visa", "mastercard", "amex", "discover" },
            ["supports_3ds"] = true,
            ["environment"] = "test",
        });

    /// <summary>Set by registration: the merchant id allowances must name (<c>Acp:Merchant:Id</c>).</summary>
    public string MerchantId { get; init; } = "cmp";

    /// <summary>Set by registration: where the delegate_payment endpoint is mounted under the public base.</summary>
    public string DelegatePath { get; init; } = "/acp/agentic_commerce/delegate_payment";

    string DelegateUrl(Uri publicBase) => new Uri(publicBase, DelegatePath).ToString();

    public async Task<ChargeOutcome> ChargeAsync(ChargeRequest r, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var previous = await db.TestPspCharges.AsNoTracking().SingleOrDefaultAsync(c => c.IdempotencyKey == r.IdempotencyKey, ct);
        if (previous is not null) return await ReplayAsync(db, previous, ct);

        var hash = PaymentAttempts.TokenHash(r.Token);
        var token = await db.VaultTokens.AsNoTracking().SingleOrDefaultAsync(t => t.TokenHash == hash, ct);
        var now = clock.GetUtcNow();
        if (token is null) return new ChargeOutcome.Declined("invalid_token", "The vault token does not exist.");
        if (token.Status != VaultTokenStatus.Active) return new ChargeOutcome.Declined("token_already_used", "The vault token was already used (tokens are single use).");
        if (now >= token.ExpiresAt) return new ChargeOutcome.Declined("allowance_expired", "The vault token's allowance has expired.");
        if (!string.Equals(token.Currency, r.Amount.Currency, StringComparison.OrdinalIgnoreCase))
            return new ChargeOutcome.Declined("allowance_currency_mismatch", $"The allowance is in {token.Currency}, the checkout in {r.Amount.Currency.ToLowerInvariant()}.");
        if (r.Amount.Minor > token.MaxAmount)
            return new ChargeOutcome.Declined("allowance_exceeded", $"The total {r.Amount.Minor} exceeds the allowance's max_amount {token.MaxAmount}.");
        if (token.CheckoutSessionId != r.SessionId)
            return new ChargeOutcome.Declined("allowance_session_mismatch", "The vault token was delegated for another checkout session.");
        if (token.MerchantId != r.MerchantId)
            return new ChargeOutcome.Declined("allowance_merchant_mismatch", "The vault token was delegated to another merchant.");

        switch (token.Behaviour)
        {
            case TestCards.Approve:
                break;
            case TestCards.RequiresAuthentication or TestCards.AuthenticateThenDecline when r.Authentication is not { Authenticated: true }:
                return await RecordAsync(db, r, hash, TestChargeStatus.RequiresAuthentication, new ChargeOutcome.RequiresAuthentication("",
                    new AuthenticationChallenge(O.ThreeDs.AcquirerBin, O.ThreeDs.AcquirerCountry, O.ThreeDs.AcquirerMerchantId, O.ThreeDs.MerchantName,
                        TestCards.DirectoryServerOf(token.CardBrand), "challenge")), ct);
            case TestCards.RequiresAuthentication:
                break;
            case TestCards.ProcessingError:
                return new ChargeOutcome.Declined("processing_error", "The card issuer could not process the payment.");
            default:
                // Declines are recorded too, so a retry with the same key gets the same answer.
                var reason = token.Behaviour == TestCards.AuthenticateThenDecline ? TestCards.Decline : token.Behaviour;
                return await RecordAsync(db, r, hash, TestChargeStatus.Declined, new ChargeOutcome.Declined(reason, $"The card was declined ({reason})."), ct);
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var chargeId = r.ExistingReference is { Length: > 0 } existing ? existing : "ch_" + SessionIds.Random(15);
        var consumed = await db.VaultTokens.Where(t => t.TokenHash == hash && t.Status == VaultTokenStatus.Active)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, VaultTokenStatus.Used).SetProperty(t => t.UsedAt, now).SetProperty(t => t.ChargeId, chargeId), ct);
        if (consumed == 0) return new ChargeOutcome.Declined("token_already_used", "The vault token was already used (tokens are single use).");
        if (r.ExistingReference is { Length: > 0 })
            await db.TestPspCharges.Where(c => c.Id == r.ExistingReference).ExecuteDeleteAsync(ct);
        db.TestPspCharges.Add(new TestPspChargeRow
        {
            Id = chargeId, IdempotencyKey = r.IdempotencyKey, TokenHash = hash, Amount = r.Amount.Minor, Currency = r.Amount.Currency.ToLowerInvariant(),
            CheckoutSessionId = r.SessionId, Status = TestChargeStatus.Succeeded, CreatedAt = now, UpdatedAt = now,
        });
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // The same key charged concurrently: the winner's charge is the answer; our consumption rolls back.
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            var winner = await db.TestPspCharges.AsNoTracking().SingleAsync(c => c.IdempotencyKey == r.IdempotencyKey, ct);
            return await ReplayAsync(db, winner, ct);
        }
        return new ChargeOutcome.Succeeded(chargeId);
    }

    async Task<ChargeOutcome> RecordAsync(CommerceDbContext db, ChargeRequest r, string hash, string status, ChargeOutcome outcome, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var id = "ch_" + SessionIds.Random(15);
        db.TestPspCharges.Add(new TestPspChargeRow
        {
            Id = id, IdempotencyKey = r.IdempotencyKey, TokenHash = hash, Amount = r.Amount.Minor, Currency = r.Amount.Currency.ToLowerInvariant(),
            CheckoutSessionId = r.SessionId, Status = status, CreatedAt = now, UpdatedAt = now,
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            db.ChangeTracker.Clear();
            return await ReplayAsync(db, await db.TestPspCharges.AsNoTracking().SingleAsync(c => c.IdempotencyKey == r.IdempotencyKey, ct), ct);
        }
        return outcome is ChargeOutcome.RequiresAuthentication ra ? ra with { PspReference = id } : outcome;
    }

    async Task<ChargeOutcome> ReplayAsync(CommerceDbContext db, TestPspChargeRow charge, CancellationToken ct)
    {
        switch (charge.Status)
        {
            case TestChargeStatus.Succeeded or TestChargeStatus.Refunded:
                return new ChargeOutcome.Succeeded(charge.Id);
            case TestChargeStatus.RequiresAuthentication:
                var token = await db.VaultTokens.AsNoTracking().SingleAsync(t => t.TokenHash == charge.TokenHash, ct);
                return new ChargeOutcome.RequiresAuthentication(charge.Id, new AuthenticationChallenge(O.ThreeDs.AcquirerBin, O.ThreeDs.AcquirerCountry,
                    O.ThreeDs.AcquirerMerchantId, O.ThreeDs.MerchantName, TestCards.DirectoryServerOf(token.CardBrand), "challenge"));
            default:
                var t2 = await db.VaultTokens.AsNoTracking().SingleOrDefaultAsync(t => t.TokenHash == charge.TokenHash, ct);
                var reason = t2?.Behaviour is { } b && b != TestCards.Approve ? (b == TestCards.AuthenticateThenDecline ? TestCards.Decline : b) : TestCards.Decline;
                return new ChargeOutcome.Declined(reason, $"The card was declined ({reason}).");
        }
    }

    public async Task<Result<Unit>> RefundAsync(string pspReference, Money amount, string idempotencyKey, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var n = await db.TestPspCharges.Where(c => c.Id == pspReference && (c.Status == TestChargeStatus.Succeeded || c.Status == TestChargeStatus.Refunded))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, TestChargeStatus.Refunded).SetProperty(c => c.RefundedAmount, c => c.Amount)
                .SetProperty(c => c.UpdatedAt, now), ct);
        return n == 1 ? Unit.Value : Error.NotFound("charge_not_found", $"The test PSP has no charge {pspReference} to refund.");
    }

    public async Task CancelAsync(string pspReference, string idempotencyKey, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        await db.TestPspCharges.Where(c => c.Id == pspReference && c.Status == TestChargeStatus.RequiresAuthentication)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, TestChargeStatus.Declined).SetProperty(c => c.UpdatedAt, now), ct);
    }
}
