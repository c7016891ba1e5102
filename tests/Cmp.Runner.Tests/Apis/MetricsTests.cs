using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Cmp.Runner.Tests.Support;
using Cmp.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Cmp.Runner.Tests.Apis;

/// <summary>The runner's metrics, observed on this runner instance only (its own meter factory).</summary>
public sealed class MetricsTests(RunnerHarness h) : IClassFixture<RunnerHarness>
{
    [Fact]
    public async Task Runs_are_counted_by_mode_and_outcome_with_the_tokens_langflow_reported()
    {
        var factory = h.Runner.Services.GetRequiredService<IMeterFactory>();
        var runs = new ConcurrentQueue<(string Mode, string Outcome)>();
        var tokens = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == factory && instrument.Meter.Name == "Cmp.Runner") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var t = tags.ToArray().ToDictionary(p => p.Key, p => p.Value?.ToString());
            if (instrument.Name == "cmp.runner.runs") runs.Enqueue((t["mode"]!, t["outcome"]!));
            if (instrument.Name == "cmp.runner.tokens") tokens.AddOrUpdate(t["type"]!, value, (_, n) => n + value);
        });
        listener.Start();
        await h.ResetSimAsync();
        using var client = await h.ServiceClientAsync();

        await client.PostAsync("/v1/runs", RunnerHarness.Json(new { flow_id = "cmp-agent", input = "Hello" }));
        await (await client.PostAsync("/v1/runs", RunnerHarness.Json(new { flow_id = "cmp-agent", input = "Hello", stream = true }))).Content.ReadAsStringAsync();
        await h.ArmAsync("errors", new { kind = "component", message = "boom", count = 1 });
        await client.PostAsync("/v1/runs", RunnerHarness.Json(new { flow_id = "cmp-agent", input = "Hello" }));
        await client.PostAsync("/v1/runs", RunnerHarness.Json(new { flow_id = "missing", input = "Hello", stream = true }));
        await client.PostAsync("/v1/runs", RunnerHarness.Json(new { flow_id = "cmp-agent", input = "" }));

        await Poller.UntilAsync(() => Task.FromResult(runs.Count >= 5), "five runs to be counted");
        runs.Should().BeEquivalentTo(new[]
        {
            ("sync", "ok"), ("stream", "ok"), ("sync", "flow_failed"), ("stream", "flow_not_found"), ("sync", "input_required"),
        });
        tokens["input"].Should().BePositive();
        tokens["output"].Should().BePositive();
    }
}
