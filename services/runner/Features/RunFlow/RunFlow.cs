using System.Diagnostics;
using Cmp.Primitives;
using Cmp.Runner.Client.Contracts;
using Cmp.Runner.Infrastructure.Langflow;
using Microsoft.Extensions.Options;

namespace Cmp.Runner.Features.RunFlow;

/// <summary>A run that answers when the flow has finished: validate, run on Langflow, normalise the result.</summary>
public sealed class RunFlow(ILangflowClient langflow, IOptionsMonitor<RunnerOptions> options, RunMetrics metrics, ILogger<RunFlow> log)
{
    public async Task<Result<RunResult>> ExecuteAsync(RunRequest request, CancellationToken ct)
    {
        var valid = RunRequestValidator.Validate(request, options.CurrentValue);
        if (!valid.TryGetValue(out var run, out var invalid))
        {
            metrics.Failed("sync", TimeSpan.Zero, invalid);
            return invalid;
        }

        var started = Stopwatch.GetTimestamp();
        var result = await langflow.RunAsync(run, ct);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var ms = (long)elapsed.TotalMilliseconds;
        // The input and the reply are the tenant's data: never logged.
        if (result.TryGetValue(out var ok, out var error))
        {
            metrics.Succeeded("sync", elapsed, ok.Usage.InputTokens, ok.Usage.OutputTokens);
            log.LogInformation("Run of flow {FlowId} succeeded in {DurationMs} ms: {InputTokens} input / {OutputTokens} output tokens",
                run.Flow.Value, ms, ok.Usage.InputTokens, ok.Usage.OutputTokens);
        }
        else
        {
            metrics.Failed("sync", elapsed, error);
            log.LogWarning("Run of flow {FlowId} failed in {DurationMs} ms: {Code} {Reason}", run.Flow.Value, ms, error.Code, error.Message);
        }
        return result;
    }
}
