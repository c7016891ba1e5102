using Cmp.Deploy.Tests.Tooling;
using Cmp.Testing;

namespace Cmp.Deploy.Tests.CustomResources;

/// <summary>Every custom resource we ship validates against our CRDs' openAPIV3Schema (strict), and the KinD config
/// against kind's.</summary>
public sealed class CustomResourceTests
{
    static string Crds => Path.Combine(RepoPaths.Root, "charts", "cmp", "files", "crds");

    static string[] Examples() =>
    [
        .. Directory.GetFiles(Path.Combine(RepoPaths.Root, "argocd", "offerings"), "*.yaml"),
        .. Directory.GetFiles(Path.Combine(RepoPaths.Root, "charts", "cmp", "samples"), "*.yaml"),
    ];

    [Fact]
    public void The_demo_catalog_and_the_samples_are_valid_custom_resources()
    {
        var files = Examples();
        var result = Tools.Validate(files: files, crds: [Crds]);

        files.Should().Contain(f => f.EndsWith("demo-catalog.yaml", StringComparison.Ordinal));
        result.Failed.Should().Be(0, result.Output);
        result.Passed.Should().Be(8, "six demo offerings, one sample offering, one sample instance");
    }

    [Fact]
    public void The_crds_themselves_are_valid()
    {
        var result = Tools.Validate(files: Directory.GetFiles(Crds, "*.yaml"));

        result.Failed.Should().Be(0, result.Output);
        result.Passed.Should().Be(2);
    }

    [Theory]
    [InlineData("amount: \"19.99\"", "amount: 19.99", "/spec/price/amount")]
    [InlineData("kind: agent", "kind: subscription", "/spec/kind")]
    [InlineData("sku: CSA-BASIC", "sku: csa-basic", "/spec/sku")]
    [InlineData("  enabled: true", "  enabled: true\n  colour: blue", "colour")]
    public void A_broken_offering_is_caught(string good, string bad, string where)
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Root, "argocd", "offerings", "demo-catalog.yaml"));
        var first = text.IndexOf(good, StringComparison.Ordinal);
        first.Should().BeGreaterThan(0);
        var broken = text[..first] + bad + text[(first + good.Length)..];

        var result = Tools.Validate(yaml: broken, crds: [Crds]);

        result.Failed.Should().Be(1);
        result.Output.Should().Contain(where);
    }

    [Fact]
    public void The_kind_cluster_config_is_valid_and_publishes_the_ingress_ports()
    {
        var path = Path.Combine(RepoPaths.Root, "deploy", "kind", "cluster.yaml");
        var result = Tools.Validate(files: [path]);
        var config = Manifests.Parse(File.ReadAllText(path)).All.Single();

        result.Failed.Should().Be(0, result.Output);
        var mappings = config["nodes"]![0]!["extraPortMappings"]!.AsArray();
        mappings.Select(m => (m!["containerPort"]!.GetValue<long>(), m["hostPort"]!.GetValue<long>())).Should().Contain((80L, 8080L));
        File.ReadAllText(Path.Combine(RepoPaths.Root, "argocd", "apps", "values.yaml")).Should().Contain("publicPort: 8080");
    }
}
