using System.Diagnostics;
using System.Diagnostics.Metrics;
using Cmp.Gateway.Domain;

namespace Cmp.Gateway.Features.Runs;

/// <summary>
/// Traces and metrics of metered runs (exported with the rest when <c>OpenTelemetry:Endpoint</c> is set): a
/// <c>gateway.run</c> span around each run, under which the control-plane and runner calls nest; counters of runs by
/// mode and outcome, credits charged, settlement retries; a run duration histogram.
/// </summary>
public sealed class RunTelemetry
{
    public const string Name = "Cmp.Gateway";
    public static readonly ActivitySource Source = new(Name);

    readonly Counter<long> _runs;
    readonly Counter<long> _credits;
    readonly Counter<long> _settlementRetries;
    readonly Histogram<double> _duration;

    public RunTelemetry(IMeterFactory meters)
    {
        var meter = meters.Create(Name);
        _runs = meter.CreateCounter<long>("cmp.gateway.runs", description: "Finished runs, by mode (sync, stream) and outcome (succeeded, cancelled, or the error code).");
        _credits = meter.CreateCounter<long>("cmp.gateway.credits.charged", description: "Credits committed for runs.");
        _settlementRetries = meter.CreateCounter<long>("cmp.gateway.settlement.retries", description: "Commits or releases that had to be retried later.");
        _duration = meter.CreateHistogram<double>("cmp.gateway.run.duration", "s", "Run duration in the gateway, reservation included.");
    }

    public static Activity? StartRun(Guid runId, RunCaller caller, Guid instanceId, bool stream)
    {
        var activity = Source.StartActivity("gateway.run", ActivityKind.Internal);
        activity?.SetTag("cmp.run.id", runId.ToString());
        activity?.SetTag("cmp.instance.id", instanceId.ToString());
        activity?.SetTag("cmp.caller.kind", caller.KindName);
        activity?.SetTag("cmp.run.mode", stream ? "stream" : "sync");
        return activity;
    }

    public void Finished(RunRecord run, TimeSpan duration)
    {
        var outcome = run.Status switch
        {
            RunStatus.Succeeded => "succeeded",
            RunStatus.Cancelled => "cancelled",
            _ => run.ErrorCode ?? "failed",
        };
        var mode = run.Stream ? "stream" : "sync";
        _runs.Add(1, new KeyValuePair<string, object?>("mode", mode), new KeyValuePair<string, object?>("outcome", outcome));
        _duration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("mode", mode), new KeyValuePair<string, object?>("outcome", outcome));
    }

    public void Charged(long credits)
    {
        if (credits > 0) _credits.Add(credits);
    }

    public void SettlementDeferred() => _settlementRetries.Add(1);
}
