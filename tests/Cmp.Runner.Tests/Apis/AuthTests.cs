using System.Net;
using Cmp.Runner.Tests.Support;

namespace Cmp.Runner.Tests.Apis;

/// <summary>Every runner endpoint is for CMP services (and platform admins) only, with real tokens from the identity server.</summary>
public sealed class AuthTests(RunnerHarness h) : IClassFixture<RunnerHarness>
{
    public static TheoryData<string, string> Endpoints => new()
    {
        { "POST", "/v1/runs" },
        { "PUT", $"/v1/flows/{RunnerHarness.AgentFlowId}" },
        { "GET", $"/v1/flows/{RunnerHarness.AgentFlowId}" },
        { "DELETE", "/v1/flows/00000000-0000-4000-8000-00000000dead" },
    };

    static HttpRequestMessage Request(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST") request.Content = RunnerHarness.Json(new { flow_id = RunnerHarness.AgentEndpoint, input = "Hi" });
        if (method == "PUT") request.Content = RunnerHarness.Json(RunnerHarness.AgentFlow());
        return request;
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Without_a_token_it_is_401(string method, string path)
    {
        using var client = h.Runner.CreateHttpClient();

        var response = await client.SendAsync(Request(method, path));

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
        response.Headers.WwwAuthenticate.Should().NotBeEmpty();
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task With_a_forged_token_it_is_401(string method, string path)
    {
        using var client = h.Runner.CreateHttpClient("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl");

        await (await client.SendAsync(Request(method, path))).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_token");
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task A_tenants_token_is_403(string method, string path)
    {
        using var client = h.Runner.CreateHttpClient(await h.Identity.BuyerTokenAsync());

        await (await client.SendAsync(Request(method, path))).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Theory]
    [InlineData("cmp-gateway")]
    [InlineData("cmp-control-plane")]
    [InlineData("cmp-provisioner")]
    [InlineData("cmp-cli")]
    public async Task Service_and_admin_tokens_are_accepted_everywhere(string clientId)
    {
        using var client = h.Runner.CreateHttpClient(await h.Identity.ClientTokenAsync(clientId));

        foreach (var row in Endpoints)
        {
            var (method, path) = (row.Data.Item1, row.Data.Item2);
            (await client.SendAsync(Request(method, path))).IsSuccessStatusCode.Should().BeTrue($"{clientId} may {method} {path}");
        }
    }

    [Fact]
    public async Task Health_and_the_openapi_document_need_no_token_and_the_document_lists_every_outcome()
    {
        using var client = h.Runner.CreateHttpClient();

        (await client.GetAsync("/healthz")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetAsync("/readyz")).StatusCode.Should().Be(HttpStatusCode.OK);
        var doc = await (await client.GetAsync("/openapi/v1.json")).BodyAsync();
        var run = doc.GetProperty("paths").GetProperty("/v1/runs").GetProperty("post").GetProperty("responses");
        run.GetProperty("200").GetProperty("content").EnumerateObject().Select(c => c.Name).Should().BeEquivalentTo("application/json", "text/event-stream");
        run.EnumerateObject().Select(r => r.Name).Should().Contain(["400", "404", "422", "500", "502", "503", "504"]);
        doc.GetProperty("paths").GetProperty("/v1/flows/{id}").GetProperty("put").GetProperty("responses").EnumerateObject()
            .Select(r => r.Name).Should().Contain(["200", "201", "409", "413", "422"]);
    }
}
