using Cmp.Gateway.Features.Runs;
using Cmp.Gateway.Features.Runs.Leases;
using Microsoft.Extensions.Options;

namespace Cmp.Gateway.Workers;

/// <summary>
/// Finishes what runs could not: every <c>Runs:SettlementInterval</c> it marks runs orphaned by a dead gateway as
/// failed, then commits or releases every reservation still pending past its due time, with exponential backoff per
/// run. Safe with several replicas (rows are claimed with <c>SKIP LOCKED</c> leases) and idempotent end to end.
/// </summary>
public sealed class SettlementWorker(RunStore store, RunSettlement settlement, LeaseStore leases, LeaseSettlement leaseSettlement, TimeProvider clock, IOptionsMonitor<RunsOptions> options,
    ILogger<SettlementWorker> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PassAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogWarning(e, "Settlement pass failed; retrying next interval");
            }
            try
            {
                await Task.Delay(options.CurrentValue.SettlementInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One pass: orphans, then due settlements of runs and credit leases. Returns how many it settled.</summary>
    public async Task<int> PassAsync(CancellationToken ct)
    {
        var o = options.CurrentValue;
        var now = clock.GetUtcNow();
        var orphans = await store.FailOrphansAsync(now - o.OrphanAfter, now, ct);
        if (orphans > 0) log.LogWarning("Marked {Count} runs interrupted by a gateway restart as failed", orphans);

        var claimFor = o.SettlementGrace;
        var due = await store.ClaimDueSettlementsAsync(now, claimFor, o.SettlementBatchSize, ct);
        var settled = 0;
        foreach (var run in due)
        {
            run.NextSettlementAt = now + o.SettlementBackoff(run.SettlementAttempts);
            if (await settlement.SettleAsync(run, ct) == RunSettlement.Attempt.Done) settled++;
            await store.SaveSettlementsAsync([run], ct);
        }

        // Credit leases whose owner died (or could not reach the ledger) past their due time.
        foreach (var lease in await leases.ClaimDueAsync(now, now + claimFor, o.SettlementBatchSize, ct))
            if (await leaseSettlement.SettleAsync(lease, ct)) settled++;
        return settled;
    }
}
