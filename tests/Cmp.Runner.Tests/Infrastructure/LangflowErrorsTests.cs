using System.Net;
using System.Text;
using Cmp.Primitives;
using Cmp.Runner.Client.Contracts;
using Cmp.Runner.Domain;
using Cmp.Runner.Infrastructure.Langflow;

namespace Cmp.Runner.Tests.Infrastructure;

/// <summary>Langflow's error bodies and stream error texts, decoded into the runner's errors.</summary>
public sealed class LangflowErrorsTests
{
    static readonly FlowRef Flow = FlowRef.Parse("cmp-agent").Value;

    static Task<Error> FromRunAsync(int status, string body) =>
        LangflowErrors.FromRunResponseAsync(new HttpResponseMessage((HttpStatusCode)status)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        }, Flow, default);

    [Fact]
    public async Task A_component_crash_is_decoded_from_the_json_in_the_string()
    {
        var error = await FromRunAsync(500, """{"detail": "{\"message\":\"Error building Component OpenAI: \\n\\nIncorrect API key provided\",\"traceback\":null,\"description\":null,\"code\":null,\"suggestion\":null,\"source\":null}"}""");

        error.Code.Should().Be(RunnerErrorCodes.FlowFailed);
        error.Kind.Should().Be(ErrorKind.Upstream);
        error.Message.Should().Be("The flow failed in Langflow: Error building Component OpenAI: \n\nIncorrect API key provided");
    }

    [Theory]
    [InlineData(403, """{"detail": "Invalid or missing API key"}""", RunnerErrorCodes.LangflowAuthFailed)]
    [InlineData(401, """{"detail": "Invalid token"}""", RunnerErrorCodes.LangflowAuthFailed)]
    [InlineData(404, """{"detail": "Flow identifier cmp-agent not found"}""", RunnerErrorCodes.FlowNotFound)]
    [InlineData(404, """{"detail": "Vertex Prompt-Lm8Np not found"}""", RunnerErrorCodes.FlowInvalid)]
    [InlineData(400, """{"detail": "If you pass an input_value to the chat input, you cannot pass a tweak with the same name."}""", RunnerErrorCodes.TweakConflictsWithInput)]
    [InlineData(400, """{"detail": "Component CustomThing is not allowed"}""", RunnerErrorCodes.FlowInvalid)]
    [InlineData(422, """{"detail": {"error": "Refused tweaks", "code": "TWEAKS_REFUSED", "message": "protected", "fields": ["code"]}}""", RunnerErrorCodes.TweaksRefused)]
    [InlineData(422, """{"detail": [{"loc": ["query", "stream"], "msg": "Input should be a valid boolean"}]}""", RunnerErrorCodes.LangflowRejectedRequest)]
    [InlineData(500, """{"message": "database is locked"}""", RunnerErrorCodes.LangflowError)]
    [InlineData(500, """<html>Internal Server Error</html>""", RunnerErrorCodes.LangflowError)]
    [InlineData(503, "", RunnerErrorCodes.LangflowUnavailable)]
    [InlineData(504, """{"detail": "Gateway Timeout"}""", RunnerErrorCodes.LangflowTimeout)]
    public async Task Each_run_failure_gets_its_code(int status, string body, string code)
    {
        (await FromRunAsync(status, body)).Code.Should().Be(code);
    }

    [Theory]
    [InlineData("500: {\"message\":\"Error building Component OpenAI: \\n\\nboom\",\"traceback\":null}", RunnerErrorCodes.FlowFailed, "boom")]
    [InlineData("Refused tweak keys ['code']: The field is protected", RunnerErrorCodes.TweaksRefused, "['code']")]
    [InlineData("If you pass an input_value to the chat input, you cannot pass a tweak with the same name.", RunnerErrorCodes.TweakConflictsWithInput, "input_value")]
    [InlineData("Vertex Prompt-Lm8Np not found", RunnerErrorCodes.FlowInvalid, "Prompt-Lm8Np")]
    [InlineData("something else broke", RunnerErrorCodes.FlowFailed, "something else broke")]
    public void Stream_error_texts_get_the_same_codes_as_http_failures(string text, string code, string mentioned)
    {
        var error = LangflowErrors.FromStreamError(text, Flow);

        error.Code.Should().Be(code);
        error.Message.Should().Contain(mentioned);
    }

    [Fact]
    public void Validation_lists_are_summarised_field_by_field()
    {
        var detail = LangflowErrors.Detail(System.Text.Json.JsonDocument.Parse(
            """{"detail": [{"loc": ["body", "name"], "msg": "Field required"}, {"loc": ["body", "data"], "msg": "Flow must have nodes"}]}""").RootElement);

        detail.Should().Be("body.name: Field required; body.data: Flow must have nodes");
    }
}
