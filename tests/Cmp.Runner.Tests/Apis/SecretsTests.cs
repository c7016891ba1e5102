using System.Net.Http.Json;
using Cmp.Runner.Tests.Support;

namespace Cmp.Runner.Tests.Apis;

/// <summary>The Langflow API key never appears in the runner's logs, at any level, whatever happens.</summary>
public sealed class SecretsTests(SecretsTests.Harness h) : IClassFixture<SecretsTests.Harness>
{
    public sealed class Harness : RunnerHarness
    {
        // Everything, HttpClient's own request logging included, reaches the capture; the console stays quiet.
        protected override Dictionary<string, string?> Overrides() => new()
        {
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
            ["Logging:Console:LogLevel:Default"] = "Warning",
        };
    }

    [Fact]
    public async Task The_api_key_is_never_logged()
    {
        await h.ResetSimAsync();
        using var client = await h.ServiceClientAsync();
        await client.PostAsync("/v1/runs", RunnerHarness.Json(new { flow_id = RunnerHarness.AgentEndpoint, input = "Hello" }));
        await client.PostAsync("/v1/runs", RunnerHarness.Json(new { flow_id = RunnerHarness.AgentEndpoint, input = "Hello", stream = true }));
        await h.ArmAsync("errors", new { kind = "component", message = "boom", count = 1 });
        await client.PostAsync("/v1/runs", RunnerHarness.Json(new { flow_id = RunnerHarness.AgentEndpoint, input = "Hello" }));
        await client.GetAsync($"/v1/flows/{RunnerHarness.AgentFlowId}");
        await client.GetAsync("/readyz");

        h.Logs.Lines.Should().Contain(l => l.Contains("api/v1/run/cmp-agent"), "HttpClient's trace logging was captured");
        h.Logs.Lines.Should().NotContain(l => l.Contains(RunnerHarness.ApiKey));
        (await h.RunsAsync()).Should().OnlyContain(r => r.GetProperty("headers").GetProperty("x-api-key").GetString() == RunnerHarness.ApiKey);
        _ = await h.Sim.GetFromJsonAsync<object>("/_sim/health");
    }
}
