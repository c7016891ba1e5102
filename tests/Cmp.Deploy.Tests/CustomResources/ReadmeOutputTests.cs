using System.Text.Json.Nodes;
using Cmp.Deploy.Tests.Tooling;
using Cmp.Testing;
using static Cmp.Deploy.Tests.Tooling.Manifests;

namespace Cmp.Deploy.Tests.CustomResources;

/// <summary>The `kubectl get agentofferings,agentinstances -A` output shown in README.md is what the CRDs' printer
/// columns and the demo catalog actually produce.</summary>
public sealed class ReadmeOutputTests
{
    static List<string> Block()
    {
        var readme = File.ReadAllLines(Path.Combine(RepoPaths.Root, "README.md"));
        var start = Array.FindIndex(readme, l => l.StartsWith("NAMESPACE   NAME", StringComparison.Ordinal) && l.Contains("SKU", StringComparison.Ordinal));
        start.Should().BeGreaterThan(0, "README.md shows the kubectl output");
        return readme.Skip(start).TakeWhile(l => l != "```").ToList();
    }

    static List<string> Columns(string crd) =>
        Manifests.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "charts", "cmp", "files", "crds", crd))).All.Single()
            ["spec"]!["versions"]![0]!["additionalPrinterColumns"]!.AsArray()
            .Where(c => (c!["priority"]?.GetValue<long>() ?? 0) == 0).Select(c => Str(c!["name"]).ToUpperInvariant()).ToList();

    static string[] Split(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void The_headers_are_the_printer_columns()
    {
        var lines = Block();
        var headers = lines.Where(l => l.StartsWith("NAMESPACE", StringComparison.Ordinal)).ToList();

        headers.Should().HaveCount(2);
        Split(headers[0]).Should().Equal(["NAMESPACE", "NAME", .. Columns("agentofferings.cmp.dev.yaml")]);
        Split(headers[1]).Should().Equal(["NAMESPACE", "NAME", .. Columns("agentinstances.cmp.dev.yaml")]);
    }

    [Fact]
    public void The_offering_rows_are_the_demo_catalog()
    {
        var catalog = Manifests.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "argocd", "offerings", "demo-catalog.yaml"))).All
            .ToDictionary(o => $"agentoffering.cmp.dev/{Str(o["metadata"]!["name"])}", o => o["spec"]!);
        var rows = Block().Where(l => l.Contains("agentoffering.cmp.dev/", StringComparison.Ordinal)).Select(Split).ToList();

        rows.Select(r => r[1]).Should().BeEquivalentTo(catalog.Keys);
        foreach (var r in rows)
        {
            var spec = catalog[r[1]];
            r[0].Should().Be("cmp");
            r[2..7].Should().Equal(Str(spec["sku"]), Str(spec["kind"]), Str(spec["price"]!["amount"]), Str(spec["price"]!["currency"]), "true");
        }
    }
}
