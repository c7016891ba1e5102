using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Cmp.Runner.Tests.Support;

public static class Problems
{
    /// <summary>Asserts an RFC 9457 problem with this status and code, and returns its body.</summary>
    public static async Task<JsonElement> ShouldBeProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, text);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json", text);
        var body = JsonDocument.Parse(text).RootElement;
        body.GetProperty("code").GetString().Should().Be(code, text);
        body.GetProperty("status").GetInt32().Should().Be((int)status);
        body.GetProperty("detail").GetString().Should().NotBeNullOrWhiteSpace();
        return body;
    }

    public static Task<JsonElement> BodyAsync(this HttpResponseMessage response) => response.Content.ReadFromJsonAsync<JsonElement>();
}
