using System.Threading.Channels;
using Cmp.Gateway.Domain;

namespace Cmp.Gateway.Features.Runs;

/// <summary>
/// With <c>Runs:SettleBeforeResponse=false</c>: settles runs right after their answer went out, a bounded number at a
/// time. On shutdown it finishes what is queued; whatever a crash loses, the settlement worker finishes from the
/// recorded outcome after <c>Runs:SettlementGrace</c>.
/// </summary>
public sealed class DeferredSettlements(RunSettlement settlement, SettlementRecorder recorder, ILogger<DeferredSettlements> log) : BackgroundService
{
    const int Parallelism = 32;
    readonly Channel<RunRecord> _queue = Channel.CreateUnbounded<RunRecord>(new UnboundedChannelOptions { SingleReader = false });

    public void Settle(RunRecord run) => _queue.Writer.TryWrite(run);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Readers keep going after the stop signal until the queue is empty.
        stoppingToken.Register(() => _queue.Writer.TryComplete());
        await Task.WhenAll(Enumerable.Range(0, Parallelism).Select(_ => ReadAsync()));
    }

    async Task ReadAsync()
    {
        await foreach (var run in _queue.Reader.ReadAllAsync())
        {
            try
            {
                await settlement.SettleAsync(run, CancellationToken.None);
                recorder.Record(run);
            }
            catch (Exception e)
            {
                log.LogWarning(e, "Settling run {RunId} after its answer failed; the settlement worker will finish it", run.Id);
            }
        }
    }
}
