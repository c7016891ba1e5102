using Cmp.Testing.Http;
using System.Net;
using System.Text.Json;
using Cmp.Runner.Tests.Support;
using Cmp.Testing;

namespace Cmp.Runner.Tests.Apis;

/// <summary>Streamed runs: Langflow's non-SSE framing read incrementally and re-emitted as standard server-sent events.</summary>
public sealed class RunStreamingTests(RunStreamingTests.Harness h) : IClassFixture<RunStreamingTests.Harness>, IAsyncLifetime
{
    public sealed class Harness : RunnerHarness
    {
        protected override Dictionary<string, string?> Overrides() => new() { ["Runner:StreamHeartbeatInterval"] = "00:00:00.200" };
    }

    public ValueTask InitializeAsync() => new(h.ResetSimAsync());
    public ValueTask DisposeAsync() => default;

    static StringContent Body(string input, string session, bool? stream = true, string flow = RunnerHarness.AgentFlowId, string? tweaks = null) =>
        RunnerHarness.Json(new Dictionary<string, object?>
        {
            ["flow_id"] = flow,
            ["input"] = input,
            ["session_id"] = session,
            ["stream"] = stream,
            ["tweaks"] = tweaks is null ? null : JsonDocument.Parse(tweaks).RootElement,
        }.Where(p => p.Value is not null).ToDictionary());

    async Task<HttpResponseMessage> StreamAsync(StringContent body, string? accept = null, CancellationToken ct = default)
    {
        var client = await h.ServiceClientAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/runs") { Content = body };
        if (accept is not null) request.Headers.Accept.ParseAdd(accept);
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }

    [Fact]
    public async Task A_stream_sends_the_user_message_each_token_the_reply_and_then_end()
    {
        var response = await StreamAsync(Body("Where is the treasure?", "s-stream"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        response.Headers.CacheControl!.NoCache.Should().BeTrue();
        var (events, raw) = await Sse.ReadAsync(response);
        raw.Should().NotContain("\"event\": \"", "Langflow's own framing must not leak through");

        var names = events.Select(e => e.Name).ToList();
        names.First().Should().Be("message");
        names.Last().Should().Be("end");
        names.Skip(1).SkipLast(2).Should().OnlyContain(n => n == "token");
        names[^2].Should().Be("message");
        events[0].Data.GetProperty("role").GetString().Should().Be("user");
        events[0].Data.GetProperty("text").GetString().Should().Be("Where is the treasure?");

        var end = events[^1].Data;
        var tokens = events.Where(e => e.Name == "token").Select(e => e.Data.GetProperty("text").GetString()).ToList();
        string.Concat(tokens).Should().Be(end.GetProperty("output_text").GetString());
        tokens.Should().HaveCount((int)end.GetProperty("usage").GetProperty("output_tokens").GetInt64());
        events[^2].Data.GetProperty("text").GetString().Should().Be(end.GetProperty("output_text").GetString());
        events[^2].Data.GetProperty("role").GetString().Should().Be("assistant");
        end.GetProperty("session_id").GetString().Should().Be("s-stream");

        var run = (await h.RunsAsync()).Single();
        run.GetProperty("stream").GetBoolean().Should().BeTrue();
        run.GetProperty("headers").GetProperty("x-api-key").GetString().Should().Be(RunnerHarness.ApiKey);
        run.GetProperty("headers").TryGetProperty("authorization", out _).Should().BeFalse();
    }

    [Fact]
    public async Task The_end_result_equals_what_the_same_run_answers_without_streaming()
    {
        const string tweaks = """{"Prompt-Lm8Np": {"persona": "a pirate"}}""";
        using var client = await h.ServiceClientAsync();
        var sync = await (await client.PostAsync("/v1/runs", Body("Same question", "s-same", stream: null, tweaks: tweaks))).BodyAsync();
        await h.ResetSimAsync();   // same session, same turn

        var (events, _) = await Sse.ReadAsync(await StreamAsync(Body("Same question", "s-same", tweaks: tweaks)));

        var end = events.Single(e => e.Name == "end").Data;
        JsonSerializer.Serialize(end).Should().Be(JsonSerializer.Serialize(sync));
    }

    [Fact]
    public async Task Accept_text_event_stream_alone_selects_streaming()
    {
        var response = await StreamAsync(Body("Hi", "s-accept", stream: null), accept: "text/event-stream");

        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        (await Sse.ReadAsync(response)).Events.Last().Name.Should().Be("end");
    }

    [Fact]
    public async Task Tokens_are_passed_on_as_langflow_produces_them_not_after_the_run()
    {
        await h.ArmAsync("latency", new { ms = 0, token_delay_ms = 300, count = 1 });
        using var response = await StreamAsync(Body("Tell me a long story please", "s-live"));

        var (events, _) = await Sse.ReadAsync(response, until: e => e.Name == "token");

        events.Last().Name.Should().Be("token");
        (await h.RunsAsync()).Single().GetProperty("outcome").GetString().Should().Be("pending", "the first token arrived while Langflow was still running");
    }

    [Fact]
    public async Task A_silent_stream_gets_keep_alive_comments()
    {
        await h.ArmAsync("latency", new { ms = 0, token_delay_ms = 600, count = 1 });
        using var response = await StreamAsync(Body("Slow", "s-heartbeat"));

        var (events, raw) = await Sse.ReadAsync(response, until: e => e.Name == "token" && e.Data.GetProperty("text").GetString() != "[");

        raw.Should().Contain(": keep-alive\n\n", "the runner sends a comment every 200 ms while Langflow is silent");
        events.Should().Contain(e => e.Name == "token");
    }

    [Fact]
    public async Task A_component_failure_mid_stream_ends_it_with_an_error_event_after_the_tokens_sent()
    {
        await h.ArmAsync("errors", new { kind = "component", message = "Incorrect API key provided", after_tokens = 2, count = 1 });

        var (events, _) = await Sse.ReadAsync(await StreamAsync(Body("Hello there", "s-fail")));

        events.Count(e => e.Name == "token").Should().Be(2);
        var error = events.Last();
        error.Name.Should().Be("error");
        error.Data.GetProperty("code").GetString().Should().Be("flow_failed");
        error.Data.GetProperty("status").GetInt32().Should().Be(502);
        error.Data.GetProperty("type").GetString().Should().Be("https://cmp.dev/problems/flow-failed");
        error.Data.GetProperty("detail").GetString().Should().Contain("Incorrect API key provided").And.NotContain("traceback");
        events.Should().NotContain(e => e.Name == "end");
    }

    [Fact]
    public async Task A_langflow_stream_that_just_stops_becomes_an_error_event()
    {
        await h.ArmAsync("disconnect", new { after_tokens = 3, count = 1 });

        var (events, _) = await Sse.ReadAsync(await StreamAsync(Body("Hello there friend", "s-cut")));

        events.Count(e => e.Name == "token").Should().Be(3);
        events.Last().Name.Should().Be("error");
        events.Last().Data.GetProperty("code").GetString().Should().Be("langflow_stream_interrupted");
        events.Last().Data.GetProperty("status").GetInt32().Should().Be(502);
    }

    [Fact]
    public async Task A_refused_tweak_on_a_stream_is_an_error_event_with_the_same_code_as_without_streaming()
    {
        var (events, _) = await Sse.ReadAsync(await StreamAsync(Body("Hi", "s-tweak", tweaks: """{"ChatInput-Xy3kQ": {"input_value": "other"}}""")));

        events.Single().Name.Should().Be("error");
        events.Single().Data.GetProperty("code").GetString().Should().Be("tweak_conflicts_with_input");
        events.Single().Data.GetProperty("status").GetInt32().Should().Be(422);
    }

    [Fact]
    public async Task Failures_before_langflow_accepts_the_run_are_plain_problem_responses()
    {
        (await StreamAsync(Body("Hi", "s-404", flow: "no-such-flow"))).Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        await (await StreamAsync(Body("Hi", "s-404", flow: "no-such-flow"))).ShouldBeProblemAsync(HttpStatusCode.NotFound, "flow_not_found");

        await h.ArmAsync("errors", new { status = 503, count = 1 });
        await (await StreamAsync(Body("Hi", "s-503"))).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "langflow_unavailable");
    }

    [Fact]
    public async Task When_the_caller_disconnects_the_langflow_run_is_cancelled()
    {
        await h.ArmAsync("latency", new { ms = 0, token_delay_ms = 250, count = 1 });
        // A client that hangs up at once (HttpClient would otherwise drain the rest of the response for up to 2 s).
        using var caller = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = h.Runner.Url };
        caller.DefaultRequestHeaders.Authorization = new("Bearer", await h.ServiceTokenAsync());
        var response = await caller.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/runs") { Content = Body("A long answer would follow here", "s-gone") },
            HttpCompletionOption.ResponseHeadersRead);
        await Sse.ReadAsync(response, until: e => e.Name == "token");

        response.Dispose();

        var run = (await Poller.ValueAsync<JsonElement?>(async () =>
            (await h.RunsAsync()).SingleOrDefault(r => r.GetProperty("outcome").GetString() != "pending") is { ValueKind: JsonValueKind.Object } r ? (JsonElement?)r : null,
            "Langflow to see the run's connection close"))!.Value;
        run.GetProperty("outcome").GetString().Should().Be("client_gone");
        run.GetProperty("tokens").GetInt32().Should().BeLessThan(6, "the run stopped early instead of running to the end");
    }
}
