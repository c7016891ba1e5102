using System.Threading.Channels;
using Cmp.Gateway.Domain;

namespace Cmp.Gateway.Features.Runs;

/// <summary>
/// Records, after the response, how each run's settlement went: queued in memory and written in batches (one
/// statement for up to a few hundred runs). Losing these writes (a crash) costs nothing but a repeat: the run's row
/// still says "pending" with its cost, and the settlement worker repeats the idempotent commit or release after
/// <c>Runs:SettlementGrace</c>, then records it.
/// </summary>
public sealed class SettlementRecorder(RunStore store, ILogger<SettlementRecorder> log) : BackgroundService
{
    const int BatchSize = 500;
    readonly Channel<RunRecord> _queue = Channel.CreateUnbounded<RunRecord>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Queues the run's settlement fields as they are now (a deferred one too: its error says why the worker has it).</summary>
    public void Record(RunRecord run) => _queue.Writer.TryWrite(run.Snapshot());

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<RunRecord>(BatchSize);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
                await DrainAsync(batch, CancellationToken.None);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: write what is queued, then stop.
        }
        _queue.Writer.TryComplete();
        await DrainAsync(batch, CancellationToken.None);
    }

    async Task DrainAsync(List<RunRecord> batch, CancellationToken ct)
    {
        while (true)
        {
            batch.Clear();
            while (batch.Count < BatchSize && _queue.Reader.TryRead(out var run)) batch.Add(run);
            if (batch.Count == 0) return;
            try
            {
                await store.SaveSettlementsAsync(batch, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Could not record the settlement of {Count} runs; the settlement worker will repeat them", batch.Count);
            }
        }
    }
}
