using Cmp.ControlPlane.Domain;
using Cmp.ControlPlane.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Cmp.ControlPlane.Features.Credits;

/// <summary>
/// The one way credits move: a conditional UPDATE of the account (it refuses to make balance, reserved or available
/// negative, even under concurrent calls, because the row lock serialises them) and an append-only ledger entry with
/// its after-values, both in the caller's transaction. A second call with the same key loses on the entry's unique
/// index, and the caller rolls back and replays the first outcome.
/// </summary>
sealed class LedgerWriter(ControlPlaneDbContext db, TimeProvider clock)
{
    public sealed record AccountState(long Balance, long Reserved);

    /// <summary>Applies the deltas and records the entry; null when the account cannot afford them.</summary>
    public async Task<CreditEntry?> ApplyAsync(CreditEntry entry, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO credit_accounts (tenant_id, balance, reserved, updated_at) VALUES ({entry.TenantId}, 0, 0, {now}) ON CONFLICT (tenant_id) DO NOTHING", ct);
        var rows = await db.Database.SqlQuery<AccountState>($"""
            UPDATE credit_accounts
               SET balance = balance + {entry.BalanceDelta}, reserved = reserved + {entry.ReservedDelta}, updated_at = {now}
             WHERE tenant_id = {entry.TenantId}
               AND balance + {entry.BalanceDelta} >= 0
               AND reserved + {entry.ReservedDelta} >= 0
               AND reserved + {entry.ReservedDelta} <= balance + {entry.BalanceDelta}
            RETURNING balance AS "Balance", reserved AS "Reserved"
            """).ToListAsync(ct);   // not Single(): EF would wrap the UPDATE in a sub-select
        if (rows.Count == 0) return null;
        entry.BalanceAfter = rows[0].Balance;
        entry.ReservedAfter = rows[0].Reserved;
        entry.CreatedAt = now;
        db.CreditEntries.Add(entry);
        await db.SaveChangesAsync(ct);
        return entry;
    }

    public Task<CreditAccount?> AccountAsync(Guid tenantId, CancellationToken ct) =>
        db.CreditAccounts.AsNoTracking().SingleOrDefaultAsync(a => a.TenantId == tenantId, ct);

    public Task<CreditEntry?> FindAsync(CreditEntryKind kind, string key, CancellationToken ct) =>
        db.CreditEntries.AsNoTracking().SingleOrDefaultAsync(e => e.Kind == kind && e.IdempotencyKey == key, ct);
}
