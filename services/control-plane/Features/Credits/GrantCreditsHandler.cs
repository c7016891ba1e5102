using Cmp.ControlPlane.Features;
using Cmp.ControlPlane.Domain;
using Cmp.ControlPlane.Infrastructure.Data;
using Cmp.Primitives;
using Microsoft.EntityFrameworkCore;

namespace Cmp.ControlPlane.Features.Credits;

/// <summary>Adds credits (a credit pack bought, credits included with a plan, or a refund of credits to the tenant).</summary>
sealed class GrantCreditsHandler(ControlPlaneDbContext db, LedgerWriter ledger)
{
    public Task<Result<CreditEntryView>> GrantAsync(GrantCredits c, CancellationToken ct) =>
        AddAsync(c.TenantId, CreditEntryKind.Grant, c.Amount, c.IdempotencyKey, c.OrderId, c.Reason, c.InstanceId, ct);

    public Task<Result<CreditEntryView>> RefundAsync(RefundCredits c, CancellationToken ct) =>
        AddAsync(c.TenantId, CreditEntryKind.Refund, c.Amount, c.IdempotencyKey, null, c.Reason, null, ct);

    async Task<Result<CreditEntryView>> AddAsync(Guid tenantId, CreditEntryKind kind, long amount, string key, string? orderId,
        string? reason, Guid? instanceId, CancellationToken ct)
    {
        if (amount <= 0) return CreditErrors.InvalidAmount("The amount must be a positive number of credits.");
        if (!await db.Tenants.AnyAsync(t => t.Id == tenantId, ct)) return CreditErrors.TenantNotFound(tenantId);
        return await Transactions.IdempotentAsync<CreditEntryView>(db,
            async () =>
            {
                var entry = await ledger.ApplyAsync(new CreditEntry
                {
                    TenantId = tenantId, Kind = kind, Amount = amount, BalanceDelta = amount, IdempotencyKey = key,
                    OrderId = orderId, Reason = reason, InstanceId = instanceId,
                }, ct);
                return entry is null
                    ? Error.Permanent("ledger_refused", "The account refused a credit; this is a bug.")
                    : Result<CreditEntryView>.Success(Views.Of(entry));
            },
            async () => await ledger.FindAsync(kind, key, ct) is { } first && first.TenantId == tenantId && first.Amount == amount
                ? Views.Of(first)
                : CreditErrors.KeyReused(key),
            ct);
    }
}
