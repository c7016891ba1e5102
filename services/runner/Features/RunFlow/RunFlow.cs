using System.Diagnostics;
using Cmp.Primitives;
using Cmp.Runner.Client.Contracts;
using Cmp.Runner.Infrastructure.Langflow;
using Microsoft.Extensions.Options;

namespace Cmp.Runner.Features.RunFlow;

/// <summary>A run that answers when the flow has finished: validate, run on Langflow, normalise the result.</summary>
public sealed class RunFlow(ILangflowClient langflow, IOptionsMonitor<RunnerOptions> options, ILogger<RunFlow> log)
{
    public async Task<Result<RunResult>> ExecuteAsync(RunRequest request, CancellationToken ct)
    {
        var valid = RunRequestValidator.Validate(request, options.CurrentValue);
        if (!valid.TryGetValue(out var run, out var invalid)) return invalid;

        var started = Stopwatch.GetTimestamp();
        var result = await langflow.RunAsync(run, ct);
        var ms = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        // The input and the reply are the tenant's data: never logged.
        if (result.TryGetValue(out var ok, out var error))
            log.LogInformation("Run of flow {FlowId} succeeded in {DurationMs} ms: {InputTokens} input / {OutputTokens} output tokens",
                run.Flow.Value, ms, ok.Usage.InputTokens, ok.Usage.OutputTokens);
        else
            log.LogWarning("Run of flow {FlowId} failed in {DurationMs} ms: {Code} {Reason}", run.Flow.Value, ms, error.Code, error.Message);
        return result;
    }
}
