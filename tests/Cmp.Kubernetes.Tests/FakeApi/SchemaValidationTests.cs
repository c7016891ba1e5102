using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Cmp.Kubernetes.Client;
using Cmp.Kubernetes.Resources;
using Cmp.Simulators.KubeApi;

namespace Cmp.Kubernetes.Tests.FakeApi;

/// <summary>Custom resources are defaulted, pruned and validated against the CRD's structural schema
/// (CRD docs: "Validation", "Defaulting", "Field pruning").</summary>
public sealed class SchemaValidationTests : IAsyncLifetime
{
    KubeApiServer _api = null!;
    KubeClient _client = null!;
    HttpClient _http = null!;

    public async ValueTask InitializeAsync()
    {
        _api = await KubeFake.StartAsync();
        _client = KubeFake.Client(_api);
        _http = new HttpClient { BaseAddress = _api.Url };
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _api.DisposeAsync();
    }

    async Task<(HttpStatusCode Status, JsonObject Body)> Post(string json)
    {
        using var r = await _http.PostAsync("/apis/cmp.dev/v1alpha1/namespaces/default/agentofferings", new StringContent(json, Encoding.UTF8, "application/json"));
        return (r.StatusCode, JsonNode.Parse(await r.Content.ReadAsStringAsync())!.AsObject());
    }

    [Fact]
    public async Task An_invalid_offering_is_rejected_with_422_and_a_cause_per_field()
    {
        var (status, body) = await Post("""
            {"apiVersion":"cmp.dev/v1alpha1","kind":"AgentOffering","metadata":{"name":"bad"},
             "spec":{"sku":"lower-case","kind":"subscription","displayName":"x","price":{"amount":"19.999.0","currency":"usd"},"creditsPerRun":-1}}
            """);

        status.Should().Be(HttpStatusCode.UnprocessableEntity);
        body["reason"]!.GetValue<string>().Should().Be("Invalid");
        var fields = body["details"]!["causes"]!.AsArray().Select(c => c!["field"]!.GetValue<string>()).ToList();
        fields.Should().Contain(["spec.sku", "spec.kind", "spec.price.amount", "spec.price.currency", "spec.creditsPerRun"]);
        body["message"]!.GetValue<string>().Should().Contain("Unsupported value: \"subscription\"");
    }

    [Fact]
    public async Task Missing_required_fields_are_reported()
    {
        var (status, body) = await Post("""{"apiVersion":"cmp.dev/v1alpha1","kind":"AgentOffering","metadata":{"name":"empty"},"spec":{}}""");

        status.Should().Be(HttpStatusCode.UnprocessableEntity);
        body["message"]!.GetValue<string>().Should().Contain("spec.sku: Required value").And.Contain("spec.price: Required value");
    }

    [Fact]
    public async Task Unknown_fields_are_pruned_and_defaults_applied()
    {
        var (status, body) = await Post("""
            {"apiVersion":"cmp.dev/v1alpha1","kind":"AgentOffering","metadata":{"name":"extra","labels":{"kept":"yes"}},
             "spec":{"sku":"KBA-PRO","kind":"agent","displayName":"KB","price":{"amount":"79.99","currency":"USD"},
                     "flowTemplate":{"name":"kb"},"colour":"blue"},"surprise":1}
            """);

        status.Should().Be(HttpStatusCode.Created);
        body["spec"]!.AsObject().ContainsKey("colour").Should().BeFalse();
        body.ContainsKey("surprise").Should().BeFalse();
        body["spec"]!["enabled"]!.GetValue<bool>().Should().BeTrue("the CRD defaults enabled to true");
        body["metadata"]!["labels"]!["kept"]!.GetValue<string>().Should().Be("yes");
    }

    [Fact]
    public async Task A_status_that_breaks_the_schema_is_rejected()
    {
        var created = (await _client.CreateAsync(KubeFake.Offering("s"))).Ok();
        created.Status = new AgentOfferingStatus { Phase = "Sleeping" };

        (await _client.ReplaceStatusAsync(created)).Fails(KubeErrors.Invalid).Message.Should().Contain("status.phase");
    }

    [Fact]
    public async Task Names_must_be_dns_subdomains()
    {
        (await _client.CreateAsync(KubeFake.Offering("Not_Valid"))).Fails(KubeErrors.Invalid).Message.Should().Contain("RFC 1123");
    }

    [Fact]
    public async Task Generate_name_gets_a_random_suffix()
    {
        var o = KubeFake.Offering("");
        o.Metadata.GenerateName = "csa-";

        var created = (await _client.CreateAsync(o)).Ok();

        created.Metadata.Name.Should().MatchRegex("^csa-[a-z0-9]{5}$");
    }

    [Fact]
    public async Task Only_one_owner_reference_may_be_the_controller()
    {
        var cm = new Cmp.Kubernetes.Model.ConfigMap
        {
            Metadata = new()
            {
                Name = "two-controllers",
                OwnerReferences =
                [
                    new() { ApiVersion = "v1", Kind = "ConfigMap", Name = "a", Uid = "1", Controller = true },
                    new() { ApiVersion = "v1", Kind = "ConfigMap", Name = "b", Uid = "2", Controller = true },
                ],
            },
        };

        (await _client.CreateAsync(cm)).Fails(KubeErrors.Invalid).Message.Should().Contain("only one reference can have Controller set to true");
    }
}
