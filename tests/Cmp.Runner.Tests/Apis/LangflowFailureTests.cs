using Cmp.Testing.Http;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cmp.Runner.Tests.Support;
using Cmp.Testing;

namespace Cmp.Runner.Tests.Apis;

/// <summary>Langflow down, slow, misconfigured or failing, through the simulator's faults: each gets its own clear problem.</summary>
public sealed class LangflowFailureTests(LangflowFailureTests.Harness h) : IClassFixture<LangflowFailureTests.Harness>, IAsyncLifetime
{
    /// <summary>Short timeouts so hangs are quick to see; a breaker that only opens on a long run of failures.</summary>
    public sealed class Harness : RunnerHarness
    {
        protected override Dictionary<string, string?> Overrides() => new()
        {
            ["Http:langflow:AttemptTimeout"] = "00:00:01",
            ["Http:langflow:TotalTimeout"] = "00:00:05",
            ["Http:langflow:MaxRetries"] = "2",
            ["Http:langflow:MinimumThroughput"] = "1000",
            ["Langflow:StreamIdleTimeout"] = "00:00:00.500",
        };
    }

    public ValueTask InitializeAsync() => new(h.ResetSimAsync());
    public ValueTask DisposeAsync() => default;

    static StringContent Run(bool stream = false, string flow = RunnerHarness.AgentFlowId) =>
        RunnerHarness.Json(new { flow_id = flow, input = "Hello there", session_id = "s-" + Guid.NewGuid(), stream });

    async Task<HttpResponseMessage> PostAsync(StringContent body)
    {
        using var client = await h.ServiceClientAsync();
        return await client.PostAsync("/v1/runs", body);
    }

    [Fact]
    public async Task Langflow_answering_503_is_503_and_the_run_is_not_retried()
    {
        await h.ArmAsync("errors", new { status = 503, count = 1 });

        await (await PostAsync(Run())).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "langflow_unavailable");

        (await h.RunsAsync()).Should().ContainSingle("a run is not idempotent: the runner never repeats it after Langflow answered");
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task Flow_management_calls_are_retried_through_a_passing_failure(string method)
    {
        var id = method == "GET" ? RunnerHarness.AgentFlowId : Guid.NewGuid().ToString();
        await h.ArmAsync("errors", new { status = 503, count = 2, scope = "all" });
        using var client = await h.ServiceClientAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), $"/v1/flows/{id}");
        if (method == "PUT") request.Content = RunnerHarness.Json(RunnerHarness.FlowVariant(id, "Retried Import " + id[..8]));

        var response = await client.SendAsync(request);

        response.IsSuccessStatusCode.Should().BeTrue(await response.Content.ReadAsStringAsync());
        (await h.Sim.GetFromJsonAsync<JsonElement>("/_sim/faults")).GetProperty("faults").GetProperty("error").ValueKind
            .Should().Be(JsonValueKind.Null, "both injected failures were consumed by retries");
    }

    [Theory]
    [InlineData(502, HttpStatusCode.ServiceUnavailable, "langflow_unavailable")]
    [InlineData(429, HttpStatusCode.ServiceUnavailable, "langflow_unavailable")]
    [InlineData(504, HttpStatusCode.GatewayTimeout, "langflow_timeout")]
    [InlineData(500, HttpStatusCode.BadGateway, "flow_failed")]
    public async Task Langflow_error_statuses_map_to_a_clear_problem(int injected, HttpStatusCode expected, string code)
    {
        await h.ArmAsync("errors", new { status = injected, count = 1 });

        await (await PostAsync(Run())).ShouldBeProblemAsync(expected, code);
    }

    [Fact]
    public async Task A_hanging_langflow_is_504_after_the_attempt_timeout()
    {
        await h.ArmAsync("hang", new { count = 1 });
        var watch = Stopwatch.StartNew();

        var problem = await (await PostAsync(Run())).ShouldBeProblemAsync(HttpStatusCode.GatewayTimeout, "langflow_timeout");

        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(4));
        problem.GetProperty("detail").GetString().Should().Contain("Http:langflow:AttemptTimeout");
        (await h.RunsAsync()).Should().ContainSingle("a timed-out run may still be running: it is not sent again");
    }

    [Fact]
    public async Task A_slow_langflow_is_504()
    {
        await h.ArmAsync("latency", new { ms = 2000, count = 1 });

        await (await PostAsync(Run())).ShouldBeProblemAsync(HttpStatusCode.GatewayTimeout, "langflow_timeout");
    }

    [Fact]
    public async Task A_stream_langflow_never_starts_is_a_504_problem()
    {
        await h.ArmAsync("hang", new { count = 1 });

        await (await PostAsync(Run(stream: true))).ShouldBeProblemAsync(HttpStatusCode.GatewayTimeout, "langflow_timeout");
    }

    [Fact]
    public async Task A_stream_that_goes_silent_ends_with_a_timeout_error_event()
    {
        await h.ArmAsync("latency", new { ms = 0, token_delay_ms = 900, count = 1 });
        using var client = await h.ServiceClientAsync();
        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/runs") { Content = Run(stream: true) },
            HttpCompletionOption.ResponseHeadersRead);

        var (events, _) = await Sse.ReadAsync(response);

        events.Last().Name.Should().Be("error");
        events.Last().Data.GetProperty("code").GetString().Should().Be("langflow_timeout");
        events.Last().Data.GetProperty("status").GetInt32().Should().Be(504);
        events.Last().Data.GetProperty("detail").GetString().Should().Contain("Langflow:StreamIdleTimeout");
    }

    [Fact]
    public async Task Langflow_dropping_connections_is_503()
    {
        await h.ArmAsync("down", new { mode = "refuse" });

        var problem = await (await PostAsync(Run())).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "langflow_connection_lost");

        problem.GetProperty("detail").GetString().Should().Contain("may or may not have executed");
    }

    [Fact]
    public async Task An_unreachable_langflow_is_503_and_the_runner_is_not_ready()
    {
        var settings = h.RunnerSettings(new() { ["Http:langflow:BaseAddress"] = $"http://127.0.0.1:{FreePort.Next()}/" });
        await using var runner = h.StartRunner(settings);
        using var client = await h.ServiceClientAsync(runner);

        var problem = await (await client.PostAsync("/v1/runs", Run())).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "langflow_unavailable");
        await (await client.PostAsync("/v1/runs", Run(stream: true))).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "langflow_unavailable");
        await (await client.GetAsync($"/v1/flows/{RunnerHarness.AgentFlowId}")).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "langflow_unavailable");

        problem.GetProperty("detail").GetString().Should().Contain("did not start");
        (await client.GetAsync("/readyz")).StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await client.GetAsync("/healthz")).StatusCode.Should().Be(HttpStatusCode.OK, "liveness never depends on Langflow");
    }

    [Fact]
    public async Task A_wrong_api_key_is_the_runners_fault_500_naming_the_setting_never_the_key()
    {
        const string wrongKey = "sk-wrong-key-0f9e8d7c6b5a";
        var logs = new LogCapture();
        await using var runner = h.StartRunner(h.RunnerSettings(new() { ["Langflow:ApiKey"] = wrongKey }), logs);
        using var client = await h.ServiceClientAsync(runner);

        var run = await (await client.PostAsync("/v1/runs", Run())).ShouldBeProblemAsync(HttpStatusCode.InternalServerError, "langflow_auth_failed");
        var stream = await (await client.PostAsync("/v1/runs", Run(stream: true))).ShouldBeProblemAsync(HttpStatusCode.InternalServerError, "langflow_auth_failed");
        var import = await (await client.PutAsync($"/v1/flows/{RunnerHarness.AgentFlowId}", RunnerHarness.Json(RunnerHarness.AgentFlow())))
            .ShouldBeProblemAsync(HttpStatusCode.InternalServerError, "langflow_auth_failed");

        foreach (var problem in new[] { run, stream, import })
        {
            problem.GetProperty("detail").GetString().Should().Contain("Langflow:ApiKey").And.NotContain(wrongKey);
            problem.GetProperty("setting").GetString().Should().Be("Langflow:ApiKey");
        }
        logs.Lines.Should().NotBeEmpty().And.NotContain(l => l.Contains(wrongKey));
    }

    [Fact]
    public async Task Readiness_follows_langflows_health_check()
    {
        using var anonymous = new HttpClient { BaseAddress = h.Runner.Url };
        (await anonymous.GetAsync("/readyz")).StatusCode.Should().Be(HttpStatusCode.OK);

        await h.ArmAsync("down", new { mode = "unhealthy" });
        await Poller.UntilAsync(async () => (await anonymous.GetAsync("/readyz")).StatusCode == HttpStatusCode.ServiceUnavailable, "readyz to report Langflow unhealthy");
        var body = await (await anonymous.GetAsync("/readyz")).BodyAsync();
        body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "langflow")
            .GetProperty("description").GetString().Should().Contain("health_check");

        await h.ArmAsync("down", new { mode = "up" });
        await Poller.UntilAsync(async () => (await anonymous.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK, "readyz to recover");
    }

    [Fact]
    public async Task Failing_flows_do_not_open_the_circuit_but_an_unavailable_langflow_does()
    {
        var settings = h.RunnerSettings(new()
        {
            ["Http:langflow:MinimumThroughput"] = "3", ["Http:langflow:FailureRatio"] = "0.5",
            ["Http:langflow:BreakDuration"] = "00:01:00", ["Http:langflow:MaxRetries"] = "0",
        });
        await using var runner = h.StartRunner(settings);
        using var client = await h.ServiceClientAsync(runner);

        await h.ArmAsync("errors", new { kind = "component", message = "bad model key", count = 5 });
        for (var i = 0; i < 5; i++)
            await (await client.PostAsync("/v1/runs", Run())).ShouldBeProblemAsync(HttpStatusCode.BadGateway, "flow_failed");
        (await client.PostAsync("/v1/runs", Run())).StatusCode.Should().Be(HttpStatusCode.OK, "a tenant's broken flow must not pause everyone's runs");

        // The breaker counts every attempt: 6 unavailable answers on top of the 6 calls above reach the 50 % ratio.
        await h.ArmAsync("errors", new { status = 503, count = 10 });
        for (var i = 0; i < 10; i++) await client.PostAsync("/v1/runs", Run());
        await h.ResetSimAsync();
        var paused = await (await client.PostAsync("/v1/runs", Run())).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "langflow_unavailable");
        paused.GetProperty("detail").GetString().Should().Contain("circuit open");
        (await h.RunsAsync()).Should().BeEmpty("an open circuit fails fast without calling Langflow");
    }
}
