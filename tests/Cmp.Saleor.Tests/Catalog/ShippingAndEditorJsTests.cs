using Cmp.Primitives;
using Cmp.Saleor.Catalog;

namespace Cmp.Saleor.Tests.Catalog;

public sealed class ShippingPlannerTests
{
    static readonly CatalogContext Ctx = new("default-channel", "USD", "cmp-warehouse", 1_000_000, 100);

    static readonly ShippingZoneSpec Zone = new("CMP United States", ["US"],
        [new ShippingMethodSpec("Standard", new Money(500, "USD"), 3, 5), new ShippingMethodSpec("Express", new Money(1500, "USD"), 1, 2)]);

    static ShippingZoneState Existing(Money? standard, Money? express, string[]? channels = null, string[]? warehouses = null, string[]? countries = null) =>
        new("Z1", Zone.Name, countries ?? ["US"], warehouses ?? ["cmp-warehouse"], channels ?? ["default-channel"],
            [new ShippingMethodState("M1", "Standard", standard), .. express is null ? Array.Empty<ShippingMethodState>() : [new ShippingMethodState("M2", "Express", express)]]);

    [Fact]
    public void A_missing_zone_is_created_with_all_its_methods()
    {
        var plan = ShippingPlanner.Plan(Zone, null, Ctx).Value;

        plan.CreateZone.Should().BeTrue();
        plan.MethodsToCreate.Select(m => m.Name).Should().Equal("Standard", "Express");
    }

    [Fact]
    public void A_matching_zone_needs_nothing()
    {
        var plan = ShippingPlanner.Plan(Zone, Existing(new Money(500, "USD"), new Money(1500, "USD")), Ctx).Value;

        plan.Changes.Should().BeEmpty();
        plan.Warnings.Should().BeEmpty();
    }

    [Fact]
    public void Drifted_prices_missing_methods_and_channel_are_repaired_and_the_rest_reported()
    {
        var plan = ShippingPlanner.Plan(Zone, Existing(new Money(700, "USD"), null, channels: [], warehouses: [], countries: ["US", "CA"]), Ctx).Value;

        plan.AssignToChannel.Should().BeTrue();
        plan.PricesToSet.Should().ContainSingle(p => p.MethodId == "M1" && p.Method.Price == new Money(500, "USD"));
        plan.MethodsToCreate.Should().ContainSingle(m => m.Name == "Express");
        plan.Warnings.Should().HaveCount(2).And.Contain(w => w.Contains("warehouse", StringComparison.Ordinal)).And.Contain(w => w.Contains("covers US, CA", StringComparison.Ordinal));
    }

    [Fact]
    public void Invalid_zones_are_refused()
    {
        var bad = new ShippingZoneSpec("", ["usa"], [new ShippingMethodSpec("A", new Money(100, "EUR"), 5, 2), new ShippingMethodSpec("A", new Money(100, "USD"))]);

        var r = ShippingPlanner.Plan(bad, null, Ctx);

        r.Error!.Message.Should().Contain("zone name is required").And.Contain("'usa' is not an ISO 3166-1").And.Contain("listed twice")
            .And.Contain("priced in EUR").And.Contain("invalid delivery days");
    }
}

public sealed class EditorJsTests
{
    [Fact]
    public void Plain_text_round_trips_through_editorjs_with_html_escaped()
    {
        var json = EditorJs.FromPlainText("Fish & chips <b>now</b>.\n\nSecond\nline.");

        json.Should().Contain("Fish \\u0026amp; chips").And.Contain("\"type\":\"paragraph\"");
        EditorJs.ToPlainText(json).Should().Be("Fish & chips <b>now</b>.\n\nSecond line.");
        EditorJs.FromPlainText("Fish & chips <b>now</b>.\n\nSecond\nline.").Should().Be(json, "the same text gives the same document");
    }

    [Fact]
    public void Descriptions_written_by_others_are_read_as_text()
    {
        const string saleorDashboard = """{"time": 1, "blocks": [{"id": "x", "type": "header", "data": {"text": "Title", "level": 2}}, {"id": "y", "type": "list", "data": {"style": "unordered", "items": ["one", "two"]}}], "version": "2.24.3"}""";

        EditorJs.ToPlainText(saleorDashboard).Should().Be("Title\n\none\n\ntwo");
        EditorJs.ToPlainText(null).Should().BeEmpty();
        EditorJs.ToPlainText("not json").Should().BeEmpty();
        EditorJs.FromPlainText("  \n\n ").Should().BeNull();
    }
}
