using System.Globalization;
using System.Text.Json;
using Cmp.ControlPlane.Operator.Offerings;
using Cmp.Kubernetes.Resources;
using Cmp.Saleor.Catalog;
using Cmp.Testing;

namespace Cmp.Operator.Tests.Offerings;

/// <summary>
/// The demo catalog is declared twice on purpose: as AgentOffering objects (argocd/offerings/demo-catalog.yaml, the
/// source of truth for the control plane and the tests) and as the installer's Saleor catalog
/// (services/provisioner/…/demo-catalog.json, which also carries merchandise). Syncing the YAML after the installer
/// ran must change nothing in Saleor, so the two must describe the same products.
/// </summary>
public sealed class DemoCatalogAgreementTests
{
    static readonly Dictionary<string, JsonElement> Installer = LoadInstallerCatalog();

    static Dictionary<string, JsonElement> LoadInstallerCatalog()
    {
        var path = Path.Combine(RepoPaths.Root, "services", "provisioner", "Features", "InstallSaleorApp", "demo-catalog.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("products").EnumerateArray()
            .Where(p => p.GetProperty("kind").GetString() is "agent" or "credits")
            .ToDictionary(p => p.GetProperty("sku").GetString()!, p => p.Clone());
    }

    public static TheoryData<string> Skus() => [.. DemoOfferings.Objects.Select(o => o.Spec.Sku)];

    [Fact]
    public void Both_files_offer_the_same_agent_plans_and_credit_packs()
    {
        DemoOfferings.Objects.Select(o => o.Spec.Sku).Should().BeEquivalentTo(Installer.Keys);
        DemoOfferings.Objects.Should().HaveCount(6);
    }

    [Theory]
    [MemberData(nameof(Skus))]
    public void The_yaml_maps_to_exactly_the_product_the_installer_creates(string sku)
    {
        var spec = DemoOfferings.Objects.Single(o => o.Spec.Sku == sku).Spec;
        var json = Installer[sku];

        var product = OfferingMapping.ToProductSpec(spec).Value;

        product.Name.Should().Be(json.GetProperty("name").GetString());
        product.Slug.Should().Be(json.GetProperty("slug").GetString());
        product.Kind.Should().Be(json.GetProperty("kind").GetString() == "agent" ? ProductKind.Agent : ProductKind.Credits);
        product.Price.Minor.Should().Be((long)(decimal.Parse(json.GetProperty("price").GetString()!, CultureInfo.InvariantCulture) * 100));
        product.Description.Should().Be(json.GetProperty("description").GetString());
        product.Metadata.Should().BeEquivalentTo(json.GetProperty("metadata").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()));
        if (spec.Kind == OfferingKinds.Agent) spec.FlowTemplate!.Name.Should().Be(json.GetProperty("metadata").GetProperty(CatalogMetadata.FlowTemplate).GetString());
    }

    [Fact]
    public void Agent_plans_include_no_credits_and_credit_packs_grant_theirs()
    {
        foreach (var o in DemoOfferings.Objects)
        {
            if (o.Spec.Kind == OfferingKinds.Agent)
            {
                (o.Spec.CreditsPerUnit ?? 0).Should().Be(0, $"{o.Spec.Sku}: buyers add a credit pack");
                o.Spec.CreditsPerRun.Should().BeGreaterThan(0, $"{o.Spec.Sku}: runs cost credits");
                Installer[o.Spec.Sku].GetProperty("metadata").TryGetProperty(CatalogMetadata.Credits, out _).Should().BeFalse(o.Spec.Sku);
            }
            else
            {
                o.Spec.CreditsPerUnit.Should().BeGreaterThan(0);
                Installer[o.Spec.Sku].GetProperty("metadata").GetProperty(CatalogMetadata.Credits).GetString()
                    .Should().Be(o.Spec.CreditsPerUnit!.Value.ToString(CultureInfo.InvariantCulture));
            }
        }
    }

    [Fact]
    public void The_test_harness_declares_what_the_operator_would_store()
    {
        foreach (var o in DemoOfferings.Objects)
            DemoOfferings.All[o.Spec.Sku].Should().Be(OfferingMapping.ToOfferingSpec(o.Spec).Value, o.Spec.Sku);
    }
}
