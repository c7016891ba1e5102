using System.Net;
using System.Text;
using Cmp.Runner.Tests.Support;

namespace Cmp.Runner.Tests.Apis;

/// <summary>Bad run requests get a clear problem, and never reach Langflow (which would run them with defaults).</summary>
public sealed class RunValidationTests(RunValidationTests.Harness h) : IClassFixture<RunValidationTests.Harness>, IAsyncLifetime
{
    public sealed class Harness : RunnerHarness
    {
        protected override Dictionary<string, string?> Overrides() => new() { ["Runner:MaxInputLength"] = "50" };
    }

    public ValueTask InitializeAsync() => new(h.ResetSimAsync());

    public async ValueTask DisposeAsync() =>
        (await h.RunsAsync()).Should().BeEmpty("a request the runner rejects must never reach Langflow");

    async Task<HttpResponseMessage> PostAsync(string json, string stream = "false", string contentType = "application/json")
    {
        using var client = await h.ServiceClientAsync();
        var body = json.Replace("STREAM", stream, StringComparison.Ordinal);
        return await client.PostAsync("/v1/runs", new StringContent(body, Encoding.UTF8, contentType));
    }

    [Theory]
    [InlineData("""{"input": "hi", "stream": STREAM}""")]
    [InlineData("""{"flow_id": "", "input": "hi", "stream": STREAM}""")]
    [InlineData("""{"flow_id": "../../api/v1/flows", "input": "hi", "stream": STREAM}""")]
    [InlineData("""{"flow_id": "cmp agent", "input": "hi", "stream": STREAM}""")]
    [InlineData("""{"flow_id": "agent?stream=true", "input": "hi", "stream": STREAM}""")]
    public async Task A_flow_id_that_is_neither_a_uuid_nor_an_endpoint_name_is_422(string json)
    {
        foreach (var stream in new[] { "false", "true" })
        {
            var problem = await (await PostAsync(json, stream)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "flow_id_invalid");
            problem.GetProperty("detail").GetString().Should().Contain("flow_id");
        }
    }

    [Fact]
    public async Task An_endpoint_name_longer_than_255_characters_is_422()
    {
        var response = await PostAsync($$"""{"flow_id": "{{new string('a', 256)}}", "input": "hi"}""");

        await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "flow_id_invalid");
    }

    [Theory]
    [InlineData("""{"flow_id": "cmp-agent", "stream": STREAM}""")]
    [InlineData("""{"flow_id": "cmp-agent", "input": "", "stream": STREAM}""")]
    [InlineData("""{"flow_id": "cmp-agent", "input": "   ", "stream": STREAM}""")]
    public async Task A_missing_or_blank_input_is_422(string json)
    {
        foreach (var stream in new[] { "false", "true" })
            await (await PostAsync(json, stream)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "input_required");
    }

    /// <summary>A null where the contract says string is malformed JSON for this API (every CMP service reads requests
    /// strictly), so it is a 400 naming the field rather than a 422.</summary>
    [Theory]
    [InlineData("""{"flow_id": null, "input": "hi"}""", "$.flow_id")]
    [InlineData("""{"flow_id": "cmp-agent", "input": null}""", "$.input")]
    public async Task An_explicit_null_for_a_string_field_is_400_naming_the_field(string json, string field)
    {
        var problem = await (await PostAsync(json)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
        problem.GetProperty("detail").GetString().Should().Contain(field);
    }

    [Fact]
    public async Task An_input_over_the_configured_limit_is_422_and_one_at_the_limit_is_accepted()
    {
        var problem = await (await PostAsync($$"""{"flow_id": "cmp-agent", "input": "{{new string('x', 51)}}"}"""))
            .ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "input_too_long");
        problem.GetProperty("detail").GetString().Should().Contain("50");

        var atLimit = await PostAsync($$"""{"flow_id": "cmp-agent", "input": "{{new string('x', 50)}}"}""");
        atLimit.StatusCode.Should().Be(HttpStatusCode.OK);
        await h.ResetSimAsync();
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"   \"")]
    [InlineData("\"tab\\tinside\"")]
    [InlineData("\"line\\nbreak\"")]
    public async Task A_malformed_session_id_is_422(string session)
    {
        var response = await PostAsync($$"""{"flow_id": "cmp-agent", "input": "hi", "session_id": {{session}}}""");

        await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "session_id_invalid");
    }

    [Fact]
    public async Task A_session_id_over_200_characters_is_422()
    {
        var response = await PostAsync($$"""{"flow_id": "cmp-agent", "input": "hi", "session_id": "{{new string('s', 201)}}"}""");

        await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "session_id_invalid");
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"persona=pirate\"")]
    [InlineData("42")]
    [InlineData("true")]
    public async Task Tweaks_that_are_not_an_object_are_422(string tweaks)
    {
        foreach (var stream in new[] { "false", "true" })
            await (await PostAsync($$"""{"flow_id": "cmp-agent", "input": "hi", "tweaks": {{tweaks}}, "stream": STREAM}""", stream))
                .ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "tweaks_invalid");
    }

    [Fact]
    public async Task Every_broken_field_is_listed_and_the_first_gives_the_code()
    {
        var response = await PostAsync("""{"flow_id": "bad id", "input": "", "session_id": "", "tweaks": []}""");

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "flow_id_invalid");
        var errors = problem.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("field").GetString(), e.GetProperty("code").GetString())).ToList();
        errors.Should().Equal(("flow_id", "flow_id_invalid"), ("input", "input_required"), ("session_id", "session_id_invalid"), ("tweaks", "tweaks_invalid"));
    }

    [Theory]
    [InlineData("{\"flow_id\": ", "invalid_request")]
    [InlineData("", "invalid_request")]
    [InlineData("[]", "invalid_request")]
    [InlineData("""{"flow_id": "cmp-agent", "input": 42}""", "invalid_request")]
    [InlineData("""{"flow_id": "cmp-agent", "input": "hi", "stream": "yes"}""", "invalid_request")]
    public async Task A_body_that_is_not_a_run_request_is_400(string json, string code)
    {
        await (await PostAsync(json)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task An_unknown_member_is_400_naming_it_so_a_typo_cannot_silently_change_the_run()
    {
        var response = await PostAsync("""{"flow_id": "cmp-agent", "input": "hi", "session": "s-1"}""");

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
        problem.GetProperty("detail").GetString().Should().Contain("'session'");
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_415()
    {
        var response = await PostAsync("flow_id=cmp-agent&input=hi", contentType: "application/x-www-form-urlencoded");

        await response.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }
}
