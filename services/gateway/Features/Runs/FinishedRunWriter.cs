using System.Threading.Channels;
using Cmp.Gateway.Domain;
using Cmp.Gateway.Infrastructure.Data;

namespace Cmp.Gateway.Features.Runs;

/// <summary>
/// Writes the records of runs recorded only once they ended (sync runs metered against a credit lease): the record
/// of every run that finished while the previous write was in flight goes in the next one, in one round trip and one
/// transaction (group commit), so a busy gateway makes one database write per batch instead of two per run. The run
/// is answered only once its record is written; a run whose record could not be written is not charged.
/// </summary>
public sealed class FinishedRunWriter(RunWrites writes, TimeProvider clock, ILogger<FinishedRunWriter> log) : BackgroundService
{
    const int MaxBatch = 256;
    static readonly TimeSpan FailureMemory = TimeSpan.FromSeconds(5);

    readonly Channel<(RunRecord Run, TaskCompletionSource<bool> Written)> _queue =
        Channel.CreateUnbounded<(RunRecord, TaskCompletionSource<bool>)>(new UnboundedChannelOptions { SingleReader = true });
    long _failedAt = long.MinValue;

    /// <summary>
    /// False for a few seconds after a write failed: runs then write their record when they start instead, so a
    /// database outage stops runs before they run (503) rather than letting them run unrecorded, and so free.
    /// </summary>
    public bool Healthy => Interlocked.Read(ref _failedAt) == long.MinValue || clock.GetElapsedTime(Interlocked.Read(ref _failedAt)) > FailureMemory;

    /// <summary>True once the record is in the database; false if it could not be written.</summary>
    public Task<bool> WriteAsync(RunRecord finished)
    {
        var written = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((finished, written))) written.SetResult(false);
        return written.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<(RunRecord Run, TaskCompletionSource<bool> Written)>(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken)) await DrainAsync(batch);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: runs still finishing get their records written.
        }
        _queue.Writer.TryComplete();
        await DrainAsync(batch);
    }

    async Task DrainAsync(List<(RunRecord Run, TaskCompletionSource<bool> Written)> batch)
    {
        while (true)
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item)) batch.Add(item);
            if (batch.Count == 0) return;
            try
            {
                await writes.InsertManyAsync(batch.ConvertAll(b => b.Run), CancellationToken.None);
                Interlocked.Exchange(ref _failedAt, long.MinValue);
                foreach (var (_, written) in batch) written.SetResult(true);
            }
            catch (Exception e) when (batch.Count > 1)
            {
                // One bad record must not cost the others theirs: write them one by one.
                log.LogWarning(e, "Writing {Count} run records at once failed; writing them one by one", batch.Count);
                foreach (var (run, written) in batch) written.SetResult(await WriteOneAsync(run));
            }
            catch (Exception)
            {
                batch[0].Written.SetResult(await WriteOneAsync(batch[0].Run));
            }
        }
    }

    async Task<bool> WriteOneAsync(RunRecord run)
    {
        try
        {
            await writes.InsertAsync(run, CancellationToken.None);
            return true;
        }
        catch (Exception e)
        {
            Interlocked.Exchange(ref _failedAt, clock.GetTimestamp());
            log.LogError(e, "Could not record run {RunId}; it is not charged", run.Id);
            return false;
        }
    }
}
