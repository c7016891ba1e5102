using Cmp.Gateway.Domain;
using Cmp.Gateway.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Cmp.Gateway.Features.Runs.Leases;

/// <summary>Credit leases in the gateway's database, and the run records that drew on them.</summary>
public sealed class LeaseStore(IDbContextFactory<GatewayDbContext> contexts)
{
    public async Task InsertAsync(CreditLease lease, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.CreditLeases.Add(lease);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Open leases whose owner should have settled them by now (it died, or its settlement was deferred): pushes their
    /// next attempt out to <paramref name="nextAttempt"/> so other replicas skip them meanwhile, and returns them.
    /// </summary>
    public async Task<List<CreditLease>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset nextAttempt, int batch, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.CreditLeases.FromSql($"""
            UPDATE runs.credit_leases SET settle_after = {nextAttempt}, settlement_attempts = settlement_attempts + 1
            WHERE id IN (SELECT id FROM runs.credit_leases WHERE state = 'open' AND settle_after <= {now}
                         ORDER BY settle_after LIMIT {batch} FOR UPDATE SKIP LOCKED)
            RETURNING *
            """).AsNoTracking().ToListAsync(ct);
    }

    /// <summary>
    /// What the lease's runs cost, from their records. A run still <c>running</c> now never will end (its gateway
    /// died, or its outcome could not be written): it is failed first and costs nothing, so every credit the lease
    /// commits is backed by a finished run's record.
    /// </summary>
    public async Task<long> ChargesAsync(Guid leaseId, DateTimeOffset now, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Database.ExecuteSqlAsync($"""
            UPDATE runs.runs SET status = 'failed', error_code = {RunErrorCodes.RunInterrupted}, credits_charged = 0, completed_at = {now}
            WHERE lease_id = {leaseId} AND status = 'running'
            """, ct);
        return await db.Runs.Where(r => r.LeaseId == leaseId).SumAsync(r => r.CreditsCharged, ct);
    }

    /// <summary>Records a settled lease and marks its runs committed (those that cost something) or released, in one transaction.</summary>
    public async Task SaveSettledAsync(CreditLease lease, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await SaveAsync(db, lease, ct);
        await db.Database.ExecuteSqlAsync($"""
            UPDATE runs.runs SET settlement = CASE WHEN credits_charged > 0 THEN 'committed' ELSE 'released' END, settled_at = {lease.SettledAt}
            WHERE lease_id = {lease.Id} AND settlement = 'pending'
            """, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Records a lease left open for a later attempt (its <c>settle_after</c> and why).</summary>
    public async Task SaveDeferredAsync(CreditLease lease, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await SaveAsync(db, lease, ct);
    }

    static Task<int> SaveAsync(GatewayDbContext db, CreditLease l, CancellationToken ct) =>
        db.CreditLeases.Where(x => x.Id == l.Id && x.State == LeaseState.Open).ExecuteUpdateAsync(s => s
            .SetProperty(x => x.State, l.State)
            .SetProperty(x => x.CreditsCharged, l.CreditsCharged)
            .SetProperty(x => x.BalanceAfter, l.BalanceAfter)
            .SetProperty(x => x.SettleAfter, l.SettleAfter)
            .SetProperty(x => x.SettlementError, l.SettlementError)
            .SetProperty(x => x.SettledAt, l.SettledAt), ct);
}
