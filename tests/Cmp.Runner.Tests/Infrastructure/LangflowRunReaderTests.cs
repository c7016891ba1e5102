using System.Text.Json;
using System.Text.Json.Nodes;
using Cmp.Runner.Client.Contracts;
using Cmp.Runner.Domain;
using Cmp.Runner.Infrastructure.Langflow;
using Cmp.Testing;

namespace Cmp.Runner.Tests.Infrastructure;

/// <summary>Langflow's run result (reply repeated in six places, nulls in the output list) read into the runner's result.</summary>
public sealed class LangflowRunReaderTests
{
    static readonly FlowRef Flow = FlowRef.Parse("cmp-agent").Value;
    static readonly SessionId Requested = SessionId.ParseOrNew("requested").Value;

    static JsonElement Reference(string file) => JsonDocument.Parse(File.ReadAllText(RepoPaths.RequireReference($"langflow/examples/{file}"))).RootElement;

    static JsonObject ReferenceNode() => JsonNode.Parse(File.ReadAllText(RepoPaths.RequireReference("langflow/examples/run-response.json")))!.AsObject();

    static RunResult Read(JsonNode body) => LangflowRunReader.ToRunResult(JsonSerializer.SerializeToElement(body), 200, Flow, Requested).Value;

    [Fact]
    public void The_reference_response_reads_into_reply_messages_and_session()
    {
        var result = LangflowRunReader.ToRunResult(Reference("run-response.json"), 200, Flow, Requested);

        result.IsSuccess.Should().BeTrue();
        result.Value.OutputText.Should().Be("Hello! How can I help?");
        result.Value.SessionId.Should().Be("runner-conv-0001");
        result.Value.Messages.Should().BeEquivalentTo(new[]
        {
            new RunMessage("user", "Hello") { SenderName = "User" },
            new RunMessage("assistant", "Hello! How can I help?") { SenderName = "AI", Model = "gpt-4o-mini" },
        }, o => o.WithStrictOrdering());
        result.Value.Usage.Should().Be(RunUsage.None, "the reference example predates usage reporting");
    }

    [Fact]
    public void The_reference_streams_end_event_reads_into_the_same_result()
    {
        var end = File.ReadAllLines(RepoPaths.RequireReference("langflow/examples/stream-events.ndjson"))
            .Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement).Single(e => e.GetProperty("event").GetString() == "end");

        var fromStream = LangflowRunReader.ToRunResult(end.GetProperty("data").GetProperty("result"), 200, Flow, Requested).Value;
        var fromJson = LangflowRunReader.ToRunResult(Reference("run-response.json"), 200, Flow, Requested).Value;

        fromStream.Should().BeEquivalentTo(fromJson);
    }

    [Fact]
    public void Usage_comes_from_the_output_messages_properties()
    {
        var body = ReferenceNode();
        body["outputs"]![0]!["outputs"]![0]!["results"]!["message"]!["properties"]!["usage"] =
            new JsonObject { ["input_tokens"] = 12, ["output_tokens"] = 7, ["total_tokens"] = 19 };

        Read(body).Usage.Should().Be(new RunUsage(12, 7) { TotalTokens = 19 });
    }

    [Fact]
    public void Usage_falls_back_to_the_vertices_token_usage_and_openai_names()
    {
        var body = ReferenceNode();
        var vertices = body["outputs"]![0]!["outputs"]!.AsArray();
        vertices[0]!["token_usage"] = new JsonObject { ["prompt_tokens"] = 3, ["completion_tokens"] = 4 };
        vertices.Add(new JsonObject { ["token_usage"] = new JsonObject { ["input_tokens"] = 10, ["output_tokens"] = 20 } });

        Read(body).Usage.Should().Be(new RunUsage(13, 24));
    }

    [Fact]
    public void Null_entries_in_the_output_list_are_skipped()
    {
        var body = ReferenceNode();
        body["outputs"]![0]!["outputs"]!.AsArray().Insert(0, null);

        Read(body).OutputText.Should().Be("Hello! How can I help?");
    }

    [Fact]
    public void A_text_output_and_the_messages_fallback_are_read()
    {
        var text = ReferenceNode();
        text["outputs"]![0]!["outputs"]![0]!["results"] = new JsonObject { ["text"] = "plain reply" };
        var onlyMessages = ReferenceNode();
        onlyMessages["outputs"]![0]!["outputs"]![0]!["results"] = new JsonObject();

        Read(text).OutputText.Should().Be("plain reply");
        Read(onlyMessages).OutputText.Should().Be("Hello! How can I help?");
    }

    [Fact]
    public void Without_a_session_in_the_answer_the_requested_one_is_kept()
    {
        var body = ReferenceNode();
        body.Remove("session_id");

        Read(body).SessionId.Should().Be("requested");
    }

    [Theory]
    [InlineData("""{"session_id": "s", "outputs": []}""")]
    [InlineData("""{"session_id": "s", "outputs": [{"inputs": {}, "outputs": []}]}""")]
    [InlineData("""{"session_id": "s", "outputs": [{"inputs": {}, "outputs": [null]}]}""")]
    [InlineData("""{"session_id": "s", "outputs": [{"inputs": {}, "outputs": [{"results": {"message": {"text": ""}}}]}]}""")]
    public void A_result_without_a_reply_is_no_reply(string json)
    {
        var result = LangflowRunReader.ToRunResult(JsonDocument.Parse(json).RootElement, 200, Flow, Requested);

        result.Error!.Code.Should().Be(RunnerErrorCodes.NoReply);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""{"session_id": "s"}""")]
    [InlineData("""{"outputs": {}}""")]
    public void A_body_that_is_not_a_run_result_is_a_bad_response(string json)
    {
        var result = LangflowRunReader.ToRunResult(JsonDocument.Parse(json).RootElement, 200, Flow, Requested);

        result.Error!.Code.Should().Be(RunnerErrorCodes.LangflowBadResponse);
    }
}
