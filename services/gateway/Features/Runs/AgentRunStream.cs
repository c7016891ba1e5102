using System.Runtime.CompilerServices;
using Cmp.Primitives;
using Cmp.Runner.Client;

namespace Cmp.Gateway.Features.Runs;

/// <summary>
/// A streamed run that has started (the runner accepted it). Read <see cref="ReadAllAsync"/> once, to its end, then
/// dispose. The last event is <see cref="AgentRunCompleted"/> (charged) or <see cref="AgentRunFailed"/> (not charged).
/// If the reader stops early, cancels, or disposes without reading, the run is cancelled upstream and settled by the
/// disconnect rule: nothing delivered, nothing charged; otherwise the per-run price plus the tokens delivered.
/// </summary>
public sealed class AgentRunStream : IAsyncDisposable
{
    readonly AgentRuns _runs = null!;
    readonly RunExecution _run = null!;
    readonly IAsyncEnumerator<RunEvent> _events = null!;
    readonly RunEvent _first = null!;
    readonly CancellationTokenSource _stop = null!;
    readonly CancellationTokenSource _deadline = null!;
    readonly TimeSpan _maxDuration;
    readonly RunResponse? _replay;
    long _tokensDelivered;
    int _state;   // 0 not read, 1 reading, 2 finished

    internal AgentRunStream(AgentRuns runs, RunExecution run, IAsyncEnumerator<RunEvent> events, RunEvent first,
        CancellationTokenSource stop, CancellationTokenSource deadline, TimeSpan maxDuration)
    {
        _runs = runs;
        _run = run;
        _events = events;
        _first = first;
        _stop = stop;
        _deadline = deadline;
        _maxDuration = maxDuration;
    }

    AgentRunStream(RunResponse replay)
    {
        _replay = replay;
        _state = 2;
    }

    /// <summary>The stored outcome of an earlier request with the same idempotency key, as a one-event stream.</summary>
    internal static AgentRunStream ForReplay(RunResponse response) => new(response);

    public Guid RunId => _replay?.RunId ?? _run.Record.Id;
    public Guid InstanceId => _replay?.InstanceId ?? _run.Record.InstanceId;

    /// <summary>True when this stream replays an earlier request's outcome (nothing runs).</summary>
    public bool Replayed => _replay is not null;

    public async IAsyncEnumerable<AgentRunEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        if (_replay is not null)
        {
            yield return new AgentRunCompleted(_replay);
            yield break;
        }
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0) throw new InvalidOperationException("A run stream can be read once.");
        using var reader = ct.Register(static s => ((CancellationTokenSource)s!).Cancel(), _stop);
        try
        {
            var current = _first;
            while (true)
            {
                switch (current)
                {
                    case RunTokenEvent token:
                        _tokensDelivered++;
                        yield return new AgentRunToken(token.Text);
                        break;
                    case RunMessageEvent message:
                        yield return new AgentRunMessage(message.Message);
                        break;
                    case RunEndEvent end:
                        _state = 2;
                        yield return new AgentRunCompleted(await _runs.SucceedAsync(_run, end.Result));
                        yield break;
                    case RunErrorEvent failed:
                        _state = 2;
                        yield return new AgentRunFailed(await _runs.FailAsync(_run, RunErrors.FromRunner(failed.Error)));
                        yield break;
                }
                var next = await NextAsync(_events);
                if (next.Event is not null)
                {
                    current = next.Event;
                    continue;
                }
                if (_deadline.IsCancellationRequested && !ct.IsCancellationRequested)
                {
                    _state = 2;
                    yield return new AgentRunFailed(await _runs.FailAsync(_run, RunErrors.Timeout(_maxDuration)));
                    yield break;
                }
                if (next.Failure is not OperationCanceledException)
                {
                    _state = 2;
                    yield return new AgentRunFailed(await _runs.FailAsync(_run,
                        new Error("internal_error", "The run's stream failed unexpectedly; nothing was charged.", ErrorKind.Permanent)));
                    yield break;
                }
                yield break;   // the reader cancelled: settled as cancelled below
            }
        }
        finally
        {
            await CloseAsync();
        }
    }

    /// <summary>Cancels and settles the run if it did not finish; releases the runner connection either way.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_replay is null && Interlocked.CompareExchange(ref _state, 1, 0) == 0) await CloseAsync();
    }

    async Task CloseAsync()
    {
        var finished = Interlocked.Exchange(ref _state, 2) == 2;
        if (!finished) await _stop.CancelAsync();   // hang up on the runner: Langflow cancels the run
        await _events.DisposeAsync();
        if (!finished) await _runs.CancelAsync(_run, _tokensDelivered);
        _stop.Dispose();
        _deadline.Dispose();
    }

    /// <summary>The next event, or null with the reason the stream stopped (cancellation, or a bug).</summary>
    internal static async Task<(RunEvent? Event, Exception? Failure)> NextAsync(IAsyncEnumerator<RunEvent> events)
    {
        try
        {
            return await events.MoveNextAsync() ? (events.Current, null) : (null, null);
        }
        catch (Exception e)
        {
            return (null, e);
        }
    }
}
