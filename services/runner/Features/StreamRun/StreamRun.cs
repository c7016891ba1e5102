using System.Diagnostics;
using System.Runtime.CompilerServices;
using Cmp.Primitives;
using Cmp.Runner.Client;
using Cmp.Runner.Client.Contracts;
using Cmp.Runner.Features.RunFlow;
using Cmp.Runner.Infrastructure.Langflow;
using Microsoft.Extensions.Options;

namespace Cmp.Runner.Features.StreamRun;

/// <summary>
/// A streamed run: validate, open Langflow's stream, and hand its events on as they come. Failures before Langflow
/// accepted the run come back as an <see cref="Error"/> (so the caller gets a real HTTP status); later ones are the
/// stream's error event.
/// </summary>
public sealed class StreamRun(ILangflowClient langflow, IOptionsMonitor<RunnerOptions> options, RunMetrics metrics, ILogger<StreamRun> log)
{
    public async Task<Result<RunEventSource>> StartAsync(RunRequest request, CancellationToken ct)
    {
        var valid = RunRequestValidator.Validate(request, options.CurrentValue);
        if (!valid.TryGetValue(out var run, out var invalid))
        {
            metrics.Failed("stream", TimeSpan.Zero, invalid);
            return invalid;
        }

        var started = Stopwatch.GetTimestamp();
        var opened = await langflow.OpenStreamAsync(run, ct);
        if (!opened.TryGetValue(out var stream, out var error))
        {
            metrics.Failed("stream", Stopwatch.GetElapsedTime(started), error);
            log.LogWarning("Streamed run of flow {FlowId} was refused: {Code} {Reason}", run.Flow.Value, error.Code, error.Message);
            return error;
        }
        // The writer passes its own token (the caller's connection, plus its own stop) through GetAsyncEnumerator.
        return new RunEventSource(Observe(stream, run, started, CancellationToken.None), stream);
    }

    /// <summary>Passes the events through and logs how the stream ended (the text itself is never logged).</summary>
    async IAsyncEnumerable<RunEvent> Observe(LangflowRunStream stream, LangflowRun run, long started, [EnumeratorCancellation] CancellationToken ct)
    {
        var tokens = 0;
        RunEvent? last = null;
        try
        {
            await foreach (var e in stream.ReadAsync(ct))
            {
                if (e is RunTokenEvent) tokens++;
                last = e;
                yield return e;
            }
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            var ms = (long)elapsed.TotalMilliseconds;
            switch (last)
            {
                case RunEndEvent end:
                    metrics.Succeeded("stream", elapsed, end.Result.Usage.InputTokens, end.Result.Usage.OutputTokens);
                    log.LogInformation("Streamed run of flow {FlowId} succeeded in {DurationMs} ms: {Tokens} tokens streamed, {InputTokens} input / {OutputTokens} output tokens",
                        run.Flow.Value, ms, tokens, end.Result.Usage.InputTokens, end.Result.Usage.OutputTokens);
                    break;
                case RunErrorEvent failed:
                    metrics.Failed("stream", elapsed, failed.Error);
                    log.LogWarning("Streamed run of flow {FlowId} failed after {DurationMs} ms and {Tokens} tokens: {Code} {Reason}",
                        run.Flow.Value, ms, tokens, failed.Error.Code, failed.Error.Message);
                    break;
                default:
                    metrics.Abandoned(elapsed);
                    log.LogInformation("Streamed run of flow {FlowId} was abandoned by the caller after {DurationMs} ms and {Tokens} tokens; Langflow's run is cancelled",
                        run.Flow.Value, ms, tokens);
                    break;
            }
        }
    }
}

/// <summary>The events of a started run, and what must be disposed (the Langflow connection) when they are done with.</summary>
public sealed record RunEventSource(IAsyncEnumerable<RunEvent> Events, IAsyncDisposable Owner);
