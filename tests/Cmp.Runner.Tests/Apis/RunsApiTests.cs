using System.Net;
using System.Text.Json;
using Cmp.Runner.Tests.Support;

namespace Cmp.Runner.Tests.Apis;

/// <summary><c>POST /v1/runs</c> without streaming, against the Langflow simulator running the example agent flow.</summary>
public sealed class RunsApiTests(RunnerHarness h) : IClassFixture<RunnerHarness>, IAsyncLifetime
{
    const string Persona = """{"Prompt-Lm8Np": {"persona": "a pirate"}}""";

    public ValueTask InitializeAsync() => new(h.ResetSimAsync());
    public ValueTask DisposeAsync() => default;

    async Task<HttpResponseMessage> RunAsync(object body)
    {
        using var client = await h.ServiceClientAsync();
        return await client.PostAsync("/v1/runs", RunnerHarness.Json(body));
    }

    static object Run(string input, string? session = null, string flow = RunnerHarness.AgentFlowId, string? tweaks = Persona) => new Dictionary<string, object?>
    {
        ["flow_id"] = flow,
        ["input"] = input,
        ["session_id"] = session,
        ["tweaks"] = tweaks is null ? null : JsonDocument.Parse(tweaks).RootElement,
    }.Where(p => p.Value is not null).ToDictionary();

    [Fact]
    public async Task A_run_answers_with_the_reply_the_messages_and_the_usage()
    {
        var response = await RunAsync(Run("Where is the treasure?", "s-reply"));

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await response.BodyAsync();
        body.GetProperty("output_text").GetString().Should().Be("[You are a pirate.] Where is the treasure? (turn 1)");
        body.GetProperty("session_id").GetString().Should().Be("s-reply");
        body.GetProperty("langflow_status").GetInt32().Should().Be(200);
        var messages = body.GetProperty("messages").EnumerateArray().ToList();
        messages.Select(m => m.GetProperty("role").GetString()).Should().Equal("user", "assistant");
        messages[0].GetProperty("text").GetString().Should().Be("Where is the treasure?");
        messages[1].GetProperty("text").GetString().Should().Be("[You are a pirate.] Where is the treasure? (turn 1)");
        messages[1].GetProperty("model").GetString().Should().Be("gpt-4o-mini");
        var usage = body.GetProperty("usage");
        var recorded = (await h.RunsAsync()).Single().GetProperty("usage");
        usage.GetProperty("input_tokens").GetInt64().Should().Be(recorded.GetProperty("input_tokens").GetInt64()).And.BePositive();
        usage.GetProperty("output_tokens").GetInt64().Should().Be(recorded.GetProperty("output_tokens").GetInt64()).And.BePositive();
        usage.GetProperty("total_tokens").GetInt64().Should().Be(recorded.GetProperty("total_tokens").GetInt64());
        usage.GetProperty("reported").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task The_session_keeps_the_conversation_memory()
    {
        (await (await RunAsync(Run("First question", "s-memory"))).BodyAsync()).GetProperty("output_text").GetString().Should().EndWith("(turn 1)");

        var second = await (await RunAsync(Run("Second question", "s-memory"))).BodyAsync();
        var elsewhere = await (await RunAsync(Run("Second question", "s-other"))).BodyAsync();

        second.GetProperty("output_text").GetString().Should().Be("[You are a pirate.] Second question (turn 2)");
        elsewhere.GetProperty("output_text").GetString().Should().EndWith("(turn 1)");
    }

    [Fact]
    public async Task Without_a_session_id_each_run_starts_its_own_conversation_never_the_flows_shared_one()
    {
        var first = await (await RunAsync(Run("Hello"))).BodyAsync();
        var second = await (await RunAsync(Run("Hello"))).BodyAsync();

        var s1 = first.GetProperty("session_id").GetString();
        var s2 = second.GetProperty("session_id").GetString();
        s1.Should().NotBeNullOrEmpty().And.NotBe(s2).And.NotBe(RunnerHarness.AgentFlowId);
        second.GetProperty("output_text").GetString().Should().EndWith("(turn 1)");
        (await h.RunsAsync()).Select(r => r.GetProperty("session_id").GetString()).Should().Equal(s1, s2);

        var continued = await (await RunAsync(Run("Again", s1))).BodyAsync();
        continued.GetProperty("output_text").GetString().Should().EndWith("(turn 2)");
    }

    [Fact]
    public async Task A_flow_can_be_named_by_its_endpoint_name()
    {
        var response = await RunAsync(Run("Ahoy", "s-endpoint", RunnerHarness.AgentEndpoint));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await h.RunsAsync()).Single().GetProperty("flow_id").GetString().Should().Be(RunnerHarness.AgentFlowId);
    }

    [Fact]
    public async Task Without_tweaks_the_flow_runs_with_its_stored_settings()
    {
        var body = await (await RunAsync(Run("Hi", "s-plain", tweaks: null))).BodyAsync();

        body.GetProperty("output_text").GetString().Should().EndWith("Hi (turn 1)").And.NotContain("pirate");
    }

    [Fact]
    public async Task Langflow_gets_the_api_key_as_x_api_key_never_a_bearer_token_and_an_explicit_body()
    {
        await RunAsync(Run("Check the headers", "s-headers"));

        var run = (await h.RunsAsync()).Single();
        var headers = run.GetProperty("headers");
        headers.GetProperty("x-api-key").GetString().Should().Be(RunnerHarness.ApiKey);
        headers.TryGetProperty("authorization", out _).Should().BeFalse("the caller's token must never reach Langflow");
        run.GetProperty("auth").GetString().Should().Be("api_key");
        run.GetProperty("query").GetProperty("stream").GetString().Should().Be("false");
        run.GetProperty("parse_warning").ValueKind.Should().Be(JsonValueKind.Null);
        var sent = run.GetProperty("request");
        sent.GetProperty("input_value").GetString().Should().Be("Check the headers");
        sent.GetProperty("session_id").GetString().Should().Be("s-headers");
        sent.GetProperty("input_type").GetString().Should().Be("chat");
        sent.GetProperty("tweaks").GetProperty("Prompt-Lm8Np").GetProperty("persona").GetString().Should().Be("a pirate");
    }

    [Theory]
    [InlineData("00000000-0000-4000-8000-000000000000")]
    [InlineData("no-such-endpoint")]
    public async Task An_unknown_flow_is_404(string flow)
    {
        var response = await RunAsync(Run("Hello", flow: flow));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "flow_not_found");
        problem.GetProperty("flow_id").GetString().Should().Be(flow);
    }

    [Fact]
    public async Task A_component_failure_is_502_with_langflows_message_decoded()
    {
        await h.ArmAsync("errors", new { kind = "component", message = "Incorrect API key provided", count = 1 });

        var response = await RunAsync(Run("Hello", "s-component"));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadGateway, "flow_failed");
        var detail = problem.GetProperty("detail").GetString();
        detail.Should().Contain("Error building Component OpenAI").And.Contain("Incorrect API key provided");
        detail.Should().NotContain("traceback").And.NotContain("\\\"");
    }

    [Fact]
    public async Task A_model_error_inside_the_flow_is_502()
    {
        var response = await RunAsync(Run("Hello", "s-sim-error", tweaks: """{"OpenAIModel-Rt5Vw": {"sim_error": "Rate limit reached"}}"""));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadGateway, "flow_failed");
        problem.GetProperty("detail").GetString().Should().Contain("Rate limit reached");
    }

    [Fact]
    public async Task A_flow_without_a_chat_output_has_no_reply_which_is_a_failure()
    {
        await h.ImportAsync(RunnerHarness.FlowVariant("6a1d4b9f-3c82-4e0a-8d4f-8b2c3d4e5f60", "No Output", f => RunnerHarness.RemoveNodes(f, "ChatOutput", withEdges: true)));

        var response = await RunAsync(Run("Hello", flow: "no-output"));

        await response.ShouldBeProblemAsync(HttpStatusCode.BadGateway, "no_reply");
    }

    [Fact]
    public async Task A_broken_flow_is_502_not_a_missing_flow()
    {
        // Langflow answers 404 "Vertex X not found" for an edge to a missing node: the flow exists but cannot run.
        await h.ImportAsync(RunnerHarness.FlowVariant("7b2e5c0a-4d93-4f1b-9e5a-9c3d4e5f6071", "Dangling Edge", f => RunnerHarness.RemoveNodes(f, "Prompt", withEdges: false)));

        var response = await RunAsync(Run("Hello", flow: "dangling-edge"));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadGateway, "flow_invalid");
        problem.GetProperty("detail").GetString().Should().Contain("Prompt-Lm8Np");
    }

    [Fact]
    public async Task A_flow_without_a_graph_fails_with_langflows_reason()
    {
        await h.ImportAsync(RunnerHarness.FlowVariant("8c3f6d1b-5ea4-4a2c-8f6b-ad4e5f607182", "Empty Flow", f => f["data"] = null));

        var response = await RunAsync(Run("Hello", flow: "empty-flow"));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadGateway, "flow_failed");
        problem.GetProperty("detail").GetString().Should().Contain("has no data");
    }

    [Fact]
    public async Task A_tweak_of_the_chat_inputs_text_together_with_an_input_is_422()
    {
        var response = await RunAsync(Run("Hello", tweaks: """{"ChatInput-Xy3kQ": {"input_value": "other"}}"""));

        await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "tweak_conflicts_with_input");
    }

    [Fact]
    public async Task A_tweak_langflow_refuses_is_422_naming_the_fields()
    {
        // As exported from a real Langflow, the model node carries its component code, which no tweak may change.
        await h.ImportAsync(RunnerHarness.FlowVariant("9d4a7e2c-6fb5-4b3d-9a7c-be5f60718293", "With Code", f =>
            f["data"]!["nodes"]!.AsArray().Single(n => n!["id"]!.GetValue<string>() == "OpenAIModel-Rt5Vw")!["data"]!["node"]!["template"]!["code"] =
                new System.Text.Json.Nodes.JsonObject { ["type"] = "code", ["value"] = "class OpenAIModel: ...", ["name"] = "code" }));

        var response = await RunAsync(Run("Hello", flow: "with-code", tweaks: """{"OpenAIModel-Rt5Vw": {"code": "import os"}}"""));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "tweaks_refused");
        problem.GetProperty("fields").EnumerateArray().Select(f => f.GetString()).Should().Equal("code");
    }

    [Fact]
    public async Task An_uncaught_langflow_error_is_502()
    {
        await h.ArmAsync("errors", new { status = 500, body = new { message = "database is locked" }, count = 1 });

        var response = await RunAsync(Run("Hello"));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadGateway, "langflow_error");
        problem.GetProperty("detail").GetString().Should().Contain("database is locked");
    }

    [Fact]
    public async Task Problems_carry_a_type_a_title_and_the_correlation_id()
    {
        using var client = await h.ServiceClientAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/runs") { Content = RunnerHarness.Json(Run("Hi", flow: "missing")) };
        request.Headers.Add("X-Correlation-Id", "corr-123");

        var problem = await (await client.SendAsync(request)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "flow_not_found");

        problem.GetProperty("type").GetString().Should().Be("https://cmp.dev/problems/flow-not-found");
        problem.GetProperty("title").GetString().Should().NotBeNullOrEmpty();
        problem.GetProperty("correlation_id").GetString().Should().Be("corr-123");
        (await h.RunsAsync()).Single().GetProperty("headers").GetProperty("x-correlation-id").GetString().Should().Be("corr-123");
    }
}
