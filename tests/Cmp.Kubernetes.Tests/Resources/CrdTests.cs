using System.Text.Json.Nodes;
using Cmp.Kubernetes.Client;
using Cmp.Kubernetes.Model;
using Cmp.Kubernetes.Operator;
using Cmp.Kubernetes.Resources;
using Cmp.Simulators.KubeApi;
using Cmp.Simulators.KubeApi.Storage;

namespace Cmp.Kubernetes.Tests.Resources;

/// <summary>
/// The structural-schema rules the API server applies to a CRD that offline JSON-schema validation cannot see
/// (VALIDATE.md §5), and the C# types matching the schema both ways.
/// </summary>
public sealed class CrdTests
{
    static IEnumerable<JsonObject> Crds() => Directory.GetFiles(KubeFake.CrdDirectory, "*.yaml").Order()
        .SelectMany(f => Yaml.ReadAll(File.ReadAllText(f))).Select(d => d!);

    [Fact]
    public void Each_crd_is_named_plural_dot_group_with_exactly_one_storage_version_and_a_status_subresource()
    {
        var crds = Crds().ToList();

        crds.Select(c => c["metadata"]!["name"]!.GetValue<string>()).Should().BeEquivalentTo("agentofferings.cmp.dev", "agentinstances.cmp.dev");
        foreach (var crd in crds)
        {
            var spec = crd["spec"]!;
            crd["metadata"]!["name"]!.GetValue<string>().Should().Be($"{spec["names"]!["plural"]}.{spec["group"]}");
            spec["versions"]!.AsArray().Count(v => v!["storage"]!.GetValue<bool>()).Should().Be(1);
            spec["versions"]!.AsArray().Should().OnlyContain(v => v!["subresources"]!["status"] != null);
            spec["names"]!["shortNames"]!.AsArray().Should().NotBeEmpty();
            spec["names"]!["categories"]!.AsArray().Select(c => c!.GetValue<string>()).Should().Contain("cmp");
        }
    }

    [Fact]
    public void Every_schema_node_has_a_type()
    {
        foreach (var crd in Crds())
            foreach (var v in crd["spec"]!["versions"]!.AsArray())
                Untyped(v!["schema"]!["openAPIV3Schema"]!.AsObject(), "").Should().BeEmpty($"{crd["metadata"]!["name"]} is structural");
    }

    static IEnumerable<string> Untyped(JsonObject node, string path)
    {
        if (node["type"] is null && node["x-kubernetes-int-or-string"] is null && node["x-kubernetes-preserve-unknown-fields"] is null) yield return path;
        foreach (var (k, child) in node["properties"]?.AsObject() ?? [])
            foreach (var p in Untyped(child!.AsObject(), $"{path}.{k}")) yield return p;
        if (node["items"] is JsonObject items)
            foreach (var p in Untyped(items, $"{path}[]")) yield return p;
    }

    [Fact]
    public void Printer_columns_point_at_fields_the_schema_has()
    {
        foreach (var crd in Crds())
            foreach (var v in crd["spec"]!["versions"]!.AsArray())
            {
                var schema = v!["schema"]!["openAPIV3Schema"]!;
                foreach (var col in v["additionalPrinterColumns"]!.AsArray())
                {
                    var path = col!["jsonPath"]!.GetValue<string>();
                    if (path.StartsWith(".metadata", StringComparison.Ordinal)) continue;
                    // ".status.conditions[?(@.type==\"Ready\")].status" walks status → conditions → (items) → status
                    var node = schema;
                    var simple = System.Text.RegularExpressions.Regex.Replace(path, @"\[\?\(.*?\)\]", "[]");
                    foreach (var part in simple.TrimStart('.').Split('.'))
                    {
                        node = node?["properties"]?[part.TrimEnd('[', ']')];
                        if (part.EndsWith("[]", StringComparison.Ordinal)) node = node?["items"];
                    }
                    node.Should().NotBeNull($"column {col["name"]} ({path}) of {crd["metadata"]!["name"]}");
                }
            }
    }

    [Fact]
    public async Task The_typed_models_round_trip_through_the_api_server_without_losing_a_field()
    {
        await using var api = await KubeFake.StartAsync();
        var client = KubeFake.Client(api);
        var offering = KubeFake.Offering("full");
        offering.Spec.Description = "d";
        offering.Spec.CreditsPerUnit = 5;
        offering.Spec.FlowTemplate!.Version = "3";
        var instance = new AgentInstance
        {
            Metadata = new ObjectMeta { Name = "inst" },
            Spec = new AgentInstanceSpec { Tenant = "t-1", Offering = "CSA-PRO", DesiredState = DesiredStates.Suspended, OrderRef = new OrderRef { OrderId = "o", LineId = "l", Unit = 2 } },
        };

        var o = (await client.CreateAsync(offering)).Ok();
        var i = (await client.CreateAsync(instance)).Ok();
        o.Status = new AgentOfferingStatus { Phase = "Ready", ObservedGeneration = 1, SaleorProductId = "p", SaleorVariantId = "v", Conditions = new List<Condition>().Set(CmpConditions.Ready, true, "Synced", "m", 1, DateTimeOffset.UtcNow) };
        i.Status = new AgentInstanceStatus { Phase = "Suspended", ObservedGeneration = 1, InstanceId = "id", FlowId = "f", Endpoint = "https://x", Conditions = new List<Condition>().Set(CmpConditions.Suspended, true, "Requested", "m", 1, DateTimeOffset.UtcNow) };
        var o2 = (await client.ReplaceStatusAsync(o)).Ok();
        var i2 = (await client.ReplaceStatusAsync(i)).Ok();

        KubeJson.Serialize(o2.Spec).Should().Be(KubeJson.Serialize(offering.Spec), "the schema prunes nothing the model writes");
        KubeJson.Serialize(o2.Status).Should().Be(KubeJson.Serialize(o.Status));
        KubeJson.Serialize(i2.Spec).Should().Be(KubeJson.Serialize(instance.Spec));
        KubeJson.Serialize(i2.Status).Should().Be(KubeJson.Serialize(i.Status));
    }
}
