using System.Net;
using Cmp.Gateway.Tests.Support;
using Cmp.Testing.Hosting;

namespace Cmp.Gateway.Tests.Apis;

/// <summary>The gateway as a service: health, readiness, its OpenAPI document, and refusing bad configuration at startup.</summary>
public sealed class ServiceTests(Platform platform)
{
    [Fact]
    public async Task It_is_ready_when_its_database_the_control_plane_and_the_runner_answer()
    {
        using var client = platform.Gateway.Client();

        var (response, body) = await client.GetJsonAsync("/readyz");

        response.StatusCode.Should().Be(HttpStatusCode.OK, body.ToString());
        body.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString())
            .Should().Contain(["runs-database", "control-plane", "runner"]);
    }

    [Fact]
    public async Task The_openapi_document_lists_the_run_and_widget_endpoints()
    {
        using var client = platform.Gateway.Client();

        var (_, doc) = await client.GetJsonAsync("/openapi/v1.json");

        var paths = doc.GetProperty("paths");
        paths.TryGetProperty("/v1/runs", out var runs).Should().BeTrue();
        runs.GetProperty("post").GetProperty("responses").EnumerateObject().Select(r => r.Name)
            .Should().Contain(["200", "401", "402", "404", "409", "429", "502", "503", "504"]);
        paths.TryGetProperty("/v1/runs/{id}", out _).Should().BeTrue();
        paths.TryGetProperty("/v1/widget/session:init", out _).Should().BeTrue();
    }

    [Fact]
    public async Task Whoami_shows_what_an_api_key_stands_for()
    {
        var account = await platform.AccountAsync();
        using var client = platform.Gateway.Client(account.Key);

        var (response, body) = await client.GetJsonAsync("/v1/whoami");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        body.GetProperty("subject").GetString().Should().Be($"api-key:{account.KeyId}");
    }

    [Theory]
    [InlineData("Runs:ReservationTtl", "00:05:00", "Runs:ReservationTtl")]
    [InlineData("ConnectionStrings:Gateway", "", "ConnectionStrings:Gateway")]
    [InlineData("Widget:SigningKey", "too-short", "Widget:SigningKey")]
    public void Bad_configuration_stops_the_gateway_at_startup_naming_the_key(string key, string value, string named)
    {
        var settings = platform.GatewaySettings(new() { [key] = value });
        using var gateway = new ServiceFactory<Cmp.Gateway.Program>(settings);

        var start = () => gateway.Start();

        start.Should().Throw<Exception>().Where(e => (e.ToString()).Contains(named, StringComparison.Ordinal));
    }
}
