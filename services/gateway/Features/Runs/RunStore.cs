using Cmp.Gateway.Domain;
using Cmp.Gateway.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Cmp.Gateway.Features.Runs;

/// <summary>The run records in the gateway's database. Each call uses its own pooled context, so it is safe from
/// singletons, background workers and concurrent runs alike.</summary>
public sealed class RunStore(IDbContextFactory<GatewayDbContext> contexts, RunWrites writes)
{
    public Task InsertAsync(RunRecord run, CancellationToken ct) => writes.InsertAsync(run, ct);

    /// <summary>Inserts a keyed run; false when the tenant already has a run with that idempotency key.</summary>
    public async Task<bool> TryClaimAsync(RunRecord run, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.Runs.Add(run);
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException e) when (Cmp.Data.PostgresErrors.IsUniqueViolation(e, "ux_runs_idempotency_key"))
        {
            return false;
        }
    }

    public async Task<RunRecord?> FindByKeyAsync(Guid tenantId, string idempotencyKey, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Runs.AsNoTracking().SingleOrDefaultAsync(r => r.TenantId == tenantId && r.IdempotencyKey == idempotencyKey, ct);
    }

    /// <summary>Forgets a keyed run that never started (refused before the runner was called), so its key can be retried.</summary>
    public async Task DeleteAsync(Guid id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Runs.Where(r => r.Id == id).ExecuteDeleteAsync(ct);
    }

    /// <summary>Writes every column of the record (outcome, settlement).</summary>
    public Task UpdateAsync(RunRecord run, CancellationToken ct) => writes.UpdateAsync(run, ct);

    /// <summary>
    /// Writes the settlement columns of many runs in one statement (only those: a concurrent outcome write is never
    /// undone). Runs whose settlement is already final in the database are left alone.
    /// </summary>
    public async Task SaveSettlementsAsync(IReadOnlyList<RunRecord> runs, CancellationToken ct)
    {
        if (runs.Count == 0) return;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var ids = runs.Select(r => r.Id).ToArray();
        var states = runs.Select(r => SettlementName(r.Settlement)).ToArray();
        var settledAt = runs.Select(r => r.SettledAt).ToArray();
        var next = runs.Select(r => r.NextSettlementAt).ToArray();
        var errors = runs.Select(r => r.SettlementError).ToArray();
        var balances = runs.Select(r => r.BalanceAfter).ToArray();
        var reservations = runs.Select(r => r.ReservationId).ToArray();
        await db.Database.ExecuteSqlAsync($"""
            UPDATE runs.runs AS r
               SET settlement = u.settlement, settled_at = u.settled_at, next_settlement_at = u.next_settlement_at,
                   settlement_error = u.settlement_error, balance_after = u.balance_after, reservation_id = u.reservation_id
              FROM unnest({ids}, {states}, {settledAt}, {next}, {errors}, {balances}, {reservations})
                   AS u(id, settlement, settled_at, next_settlement_at, settlement_error, balance_after, reservation_id)
             WHERE r.id = u.id AND r.settlement IN ('pending', 'none')
            """, ct);
    }

    static string SettlementName(SettlementState s) => s switch
    {
        SettlementState.None => "none",
        SettlementState.Pending => "pending",
        SettlementState.Committed => "committed",
        SettlementState.Released => "released",
        _ => "failed",
    };

    public async Task<RunRecord?> FindAsync(Guid id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Runs.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct);
    }

    /// <summary>Newest first, ids below <paramref name="before"/>, within the caller's scope.</summary>
    public async Task<List<RunRecord>> ListAsync(RunScope scope, Guid? instanceId, Guid? before, int limit, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var q = db.Runs.AsNoTracking();
        if (scope.TenantId is { } tenant) q = q.Where(r => r.TenantId == tenant);
        if (scope.InstanceId is { } bound) q = q.Where(r => r.InstanceId == bound);
        if (scope.WidgetSession is { } session) q = q.Where(r => r.CallerKind == CallerKind.Widget && r.CallerId == session);
        if (instanceId is { } instance) q = q.Where(r => r.InstanceId == instance);
        if (before is { } cursor) q = q.Where(r => r.Id.CompareTo(cursor) < 0);
        return await q.OrderByDescending(r => r.Id).Take(limit).ToListAsync(ct);
    }

    /// <summary>
    /// Claims finished runs whose settlement is due: pushes their next attempt out by <paramref name="lease"/> so
    /// another replica's worker skips them meanwhile (<c>SKIP LOCKED</c>), and returns them.
    /// </summary>
    public async Task<List<RunRecord>> ClaimDueSettlementsAsync(DateTimeOffset now, TimeSpan lease, int batch, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var leaseUntil = now + lease;
        return await db.Runs.FromSql($"""
            UPDATE runs.runs SET next_settlement_at = {leaseUntil}, settlement_attempts = settlement_attempts + 1
            WHERE id IN (SELECT id FROM runs.runs
                         WHERE settlement = 'pending' AND status <> 'running' AND next_settlement_at <= {now}
                         ORDER BY next_settlement_at LIMIT {batch} FOR UPDATE SKIP LOCKED)
            RETURNING *
            """).AsNoTracking().ToListAsync(ct);
    }

    /// <summary>
    /// Runs still <c>running</c> long after any run could have ended belong to a gateway that died mid-run: they are
    /// marked failed, and those with a reservation become due for release (those under a credit lease are settled with it).
    /// </summary>
    public async Task<int> FailOrphansAsync(DateTimeOffset startedBefore, DateTimeOffset now, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Database.ExecuteSqlAsync($"""
            UPDATE runs.runs SET status = 'failed', error_code = {RunErrorCodes.RunInterrupted}, credits_charged = 0, completed_at = {now},
                   settlement = CASE WHEN lease_id IS NOT NULL THEN settlement WHEN reservation_id IS NULL THEN 'none' ELSE 'pending' END,
                   next_settlement_at = CASE WHEN reservation_id IS NULL THEN NULL ELSE {now} END
            WHERE id IN (SELECT id FROM runs.runs WHERE status = 'running' AND created_at < {startedBefore} FOR UPDATE SKIP LOCKED)
            """, ct);
    }
}

/// <summary>Which runs a caller may see: a tenant's, an instance's, one widget session's, or (all null) every run.</summary>
public sealed record RunScope(Guid? TenantId, Guid? InstanceId, string? WidgetSession);
