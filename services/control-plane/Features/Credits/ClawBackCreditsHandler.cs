using Cmp.ControlPlane.Features;
using Cmp.ControlPlane.Domain;
using Cmp.ControlPlane.Infrastructure.Data;
using Cmp.Primitives;
using Microsoft.EntityFrameworkCore;

namespace Cmp.ControlPlane.Features.Credits;

/// <summary>
/// After a refund or cancellation, takes back the credits an order granted that are still unspent (never more than
/// is available, so the balance never goes negative); what was already spent or reserved is recorded as the
/// entry's shortfall for the platform team. One clawback per order, however often the event arrives.
/// </summary>
sealed class ClawBackCreditsHandler(ControlPlaneDbContext db, LedgerWriter ledger)
{
    public async Task<Result<CreditEntryView>> ClawBackAsync(ClawBackOrderCredits c, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(c.OrderId)) return Error.Validation("order_id_missing", "order_id is required.");
        if (!await db.Tenants.AnyAsync(t => t.Id == c.TenantId, ct)) return CreditErrors.TenantNotFound(c.TenantId);
        var key = "order:" + c.OrderId;
        if (await ledger.FindAsync(CreditEntryKind.Clawback, key, ct) is { } done) return Views.Of(done);

        return await Transactions.IdempotentAsync<CreditEntryView>(db,
            async () =>
            {
                var granted = await db.CreditEntries
                    .Where(e => e.TenantId == c.TenantId && e.OrderId == c.OrderId && e.Kind == CreditEntryKind.Grant)
                    .SumAsync(e => e.Amount, ct);
                // Lock the account so "available" cannot change between reading it and taking credits.
                var account = await db.CreditAccounts.FromSql($"SELECT * FROM credit_accounts WHERE tenant_id = {c.TenantId} FOR UPDATE")
                    .AsNoTracking().SingleOrDefaultAsync(ct);
                var take = Math.Min(granted, Math.Max(0, account?.Available ?? 0));
                var entry = await ledger.ApplyAsync(new CreditEntry
                {
                    TenantId = c.TenantId, Kind = CreditEntryKind.Clawback, Amount = take, BalanceDelta = -take,
                    IdempotencyKey = key, OrderId = c.OrderId, Shortfall = granted - take, Reason = c.Reason,
                }, ct);
                return entry is null
                    ? Error.Permanent("ledger_refused", "The account refused a clawback within its available credits; this is a bug.")
                    : Result<CreditEntryView>.Success(Views.Of(entry));
            },
            async () => await ledger.FindAsync(CreditEntryKind.Clawback, key, ct) is { } first
                ? Views.Of(first)
                : Error.Transient("clawback_in_progress", "A clawback for this order is in progress; retry."),
            ct);
    }
}
