using Cmp.Gateway.Features.Runs;
using Microsoft.Extensions.Options;

namespace Cmp.Gateway.Workers;

/// <summary>
/// Finishes what runs could not: every <c>Runs:SettlementInterval</c> it marks runs orphaned by a dead gateway as
/// failed, then commits or releases every reservation still pending past its due time, with exponential backoff per
/// run. Safe with several replicas (rows are claimed with <c>SKIP LOCKED</c> leases) and idempotent end to end.
/// </summary>
public sealed class SettlementWorker(RunStore store, RunSettlement settlement, TimeProvider clock, IOptionsMonitor<RunsOptions> options,
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

    /// <summary>One pass: orphans, then due settlements. Returns how many runs it settled.</summary>
    public async Task<int> PassAsync(CancellationToken ct)
    {
        var o = options.CurrentValue;
        var now = clock.GetUtcNow();
        var orphans = await store.FailOrphansAsync(now - o.OrphanAfter, now, ct);
        if (orphans > 0) log.LogWarning("Marked {Count} runs interrupted by a gateway restart as failed", orphans);

        var lease = o.SettlementGrace;
        var due = await store.ClaimDueSettlementsAsync(now, lease, o.SettlementBatchSize, ct);
        var settled = 0;
        foreach (var run in due)
        {
            run.NextSettlementAt = now + Backoff(run.SettlementAttempts, o);
            if (await settlement.SettleAsync(run, ct) == RunSettlement.Attempt.Done) settled++;
            await store.SaveSettlementsAsync([run], ct);
        }
        return settled;
    }

    static TimeSpan Backoff(int attempts, RunsOptions o)
    {
        var first = TimeSpan.FromTicks(Math.Max(o.SettlementInterval.Ticks, o.SettlementGrace.Ticks / 10));
        var delay = first * Math.Pow(2, Math.Min(attempts - 1, 20));
        return delay > o.SettlementMaxBackoff ? o.SettlementMaxBackoff : delay;
    }
}
