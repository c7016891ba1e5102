using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Cmp.Kubernetes.Client;
using Cmp.Kubernetes.Model;
using Cmp.Kubernetes.Operator;
using Cmp.Kubernetes.Resources;
using Cmp.Simulators.KubeApi;

namespace Cmp.Kubernetes.Tests.FakeApi;

/// <summary>Discovery and server-side printing, so kubectl works against the fake and the CRDs' printer columns are
/// exercised (API concepts: "Receiving resources as Tables"; CRD docs: "Additional printer columns").</summary>
public sealed class KubectlSupportTests : IAsyncLifetime
{
    KubeApiServer _api = null!;
    KubeClient _client = null!;
    HttpClient _http = null!;

    public async ValueTask InitializeAsync()
    {
        _api = await KubeFake.StartAsync();
        _client = KubeFake.Client(_api, "cmp");
        _http = new HttpClient { BaseAddress = _api.Url };
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _api.DisposeAsync();
    }

    async Task<JsonObject> Get(string path, bool table = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (table) request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("application/json;as=Table;v=v1;g=meta.k8s.io"));
        using var response = await _http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    [Fact]
    public async Task Discovery_lists_the_crds_with_short_names_categories_and_status_subresource()
    {
        var groups = await Get("/apis");
        var resources = await Get("/apis/cmp.dev/v1alpha1");

        groups["groups"]!.AsArray().Select(g => g!["name"]!.GetValue<string>()).Should().Contain(["cmp.dev", "coordination.k8s.io"]);
        var offerings = resources["resources"]!.AsArray().Single(r => r!["name"]!.GetValue<string>() == "agentofferings")!;
        offerings["shortNames"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Contain("ao");
        offerings["categories"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal("cmp");
        resources["resources"]!.AsArray().Should().Contain(r => r!["name"]!.GetValue<string>() == "agentofferings/status");
    }

    [Fact]
    public async Task Tables_render_the_printer_columns_including_the_ready_condition()
    {
        var created = (await _client.CreateAsync(KubeFake.Offering("csa-pro"))).Ok();
        created.Status = new AgentOfferingStatus { Conditions = new List<Condition>().Set(CmpConditions.Ready, true, "Synced", "", 1, DateTimeOffset.UtcNow) };
        (await _client.ReplaceStatusAsync(created)).Ok();

        var table = await Get("/apis/cmp.dev/v1alpha1/namespaces/cmp/agentofferings", table: true);

        table["kind"]!.GetValue<string>().Should().Be("Table");
        table["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.GetValue<string>())
            .Should().Equal("Name", "SKU", "Kind", "Price", "Currency", "Enabled", "Ready", "Age");
        var cells = table["rows"]![0]!["cells"]!.AsArray().Select(c => c?.ToString()).ToList();
        cells.Should().Equal("csa-pro", "CSA-PRO", "agent", "49.99", "USD", "true", "True", cells[^1]);
        cells[^1].Should().MatchRegex("^[0-9]+s$");
    }
}
