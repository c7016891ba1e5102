using System.Diagnostics;
using System.Diagnostics.Metrics;
using Cmp.Primitives;

namespace Cmp.Runner.Features;

/// <summary>
/// The runner's metrics (meter <c>Cmp.Runner</c>, exported over OTLP with the rest of CMP's telemetry): runs by mode
/// and outcome, their duration, and the tokens Langflow reported. Outcomes are the stable error codes, so a dashboard
/// can tell a tenant's broken flow (<c>flow_failed</c>) from Langflow being down (<c>langflow_unavailable</c>).
/// Flow ids and sessions are deliberately not tags: they are unbounded.
/// </summary>
public sealed class RunMetrics
{
    public const string MeterName = "Cmp.Runner";

    readonly Counter<long> _runs;
    readonly Histogram<double> _duration;
    readonly Counter<long> _tokens;

    public RunMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _runs = meter.CreateCounter<long>("cmp.runner.runs", "{run}", "Runs finished, by mode (sync, stream) and outcome (ok, or the error code).");
        _duration = meter.CreateHistogram<double>("cmp.runner.run.duration", "s", "How long runs took, start to last byte.");
        _tokens = meter.CreateCounter<long>("cmp.runner.tokens", "{token}", "Tokens Langflow reported for successful runs, by type (input, output).");
    }

    public void Succeeded(string mode, TimeSpan duration, long inputTokens, long outputTokens)
    {
        Record(mode, "ok", duration);
        _tokens.Add(inputTokens, new KeyValuePair<string, object?>("type", "input"));
        _tokens.Add(outputTokens, new KeyValuePair<string, object?>("type", "output"));
    }

    public void Failed(string mode, TimeSpan duration, Error error) => Record(mode, error.Code, duration);

    /// <summary>A streamed run the caller walked away from.</summary>
    public void Abandoned(TimeSpan duration) => Record("stream", "abandoned", duration);

    void Record(string mode, string outcome, TimeSpan duration)
    {
        var tags = new TagList { { "mode", mode }, { "outcome", outcome } };
        _runs.Add(1, tags);
        _duration.Record(duration.TotalSeconds, tags);
    }
}
