using System.Text.Json.Nodes;
using Cmp.AgentCommerce.Tests.Harness;

namespace Cmp.AgentCommerce.Tests.Acp;

/// <summary>POST /checkout_sessions (conformance checklist C, 27–42).</summary>
public sealed class CreateSessionTests(CommerceWorld world)
{
    public static TheoryData<string> Versions => new() { "2025-09-29", "2026-04-17" };
    string ItemsKey(string v) => v == "2025-09-29" ? "items" : "line_items";

    [Theory, MemberData(nameof(Versions))]
    public async Task A_valid_create_is_201_with_every_required_member_and_consistent_totals(string version)
    {
        using var acp = world.Gateway.Acp(version);
        var r = await acp.CreateAsync(AcpBodies.Create(version, ("CSA-BASIC", 2), ("CREDITS-100", 1)));
        r.Status.Should().Be(201);
        foreach (var member in new[] { "id", "status", "currency", "line_items", "totals", "fulfillment_options", "messages", "links" })
            r.Body.TryGetProperty(member, out _).Should().BeTrue($"{member} is required (checklist 28)");
        if (version == "2026-04-17") r.Body.TryGetProperty("capabilities", out _).Should().BeTrue();
        r.Id.Should().StartWith("cs_");
        SessionInvariants.Check(r, version);
        r.Total.Should().Be(2 * 1999 + 1000);
        r.Lines.Select(l => l.GetProperty("item").GetProperty("id").GetString()).Should().Equal("CSA-BASIC", "CREDITS-100");
        if (version == "2025-09-29") r.Lines[0].GetProperty("item").GetProperty("quantity").GetInt32().Should().Be(2, "the item echoes its quantity (checklist 38)");
        else r.Lines[0].GetProperty("quantity").GetInt32().Should().Be(2);
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task Without_the_buyers_email_the_session_is_not_ready_and_says_what_is_missing(string version)
    {
        using var acp = world.Gateway.Acp(version);
        var r = await acp.CreateAsync(AcpBodies.Create(version, ("KBA-PRO", 1)));
        r.StatusText.Should().Be("not_ready_for_payment");
        var missing = r.Message("missing");
        missing.GetProperty("param").GetString().Should().Be("$.buyer.email");
        missing.GetProperty("type").GetString().Should().Be("error");
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task Physical_goods_without_an_address_offer_no_shipping_and_ask_for_one(string version)
    {
        using var acp = world.Gateway.Acp(version);
        var r = await acp.CreateAsync(AcpBodies.Create(version, AcpBodies.Buyer(), null, ("CMP-MUG", 1)));
        r.StatusText.Should().Be("not_ready_for_payment", "no address yet (checklist 35)");
        r.Body.GetProperty("fulfillment_options").GetArrayLength().Should().Be(0);
        r.Message("missing").GetProperty("param").GetString().Should().Be(version == "2025-09-29" ? "$.fulfillment_address" : "$.fulfillment_details.address");
        r.Body.GetProperty("totals").EnumerateArray().Should().NotContain(t => t.GetProperty("type").GetString() == "fulfillment");
        SessionInvariants.Check(r, version);
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task With_an_address_the_shipping_options_come_from_Saleor_and_the_cheapest_is_selected(string version)
    {
        using var acp = world.Gateway.Acp(version);
        var r = await acp.CreateAsync(AcpBodies.Create(version, AcpBodies.Buyer(), AcpBodies.Address(), ("CMP-HOODIE", 1)));
        r.StatusText.Should().Be("ready_for_payment", r.Text);
        var shipping = r.Body.GetProperty("fulfillment_options").EnumerateArray().Where(o => o.GetProperty("type").GetString() == "shipping").ToArray();
        shipping.Select(o => o.GetProperty("title").GetString()).Should().BeEquivalentTo(["Standard", "Express"], "the demo catalog's US zone");
        var standard = shipping.Single(o => o.GetProperty("title").GetString() == "Standard").GetProperty("id").GetString();
        var selected = version == "2025-09-29"
            ? r.Body.GetProperty("fulfillment_option_id").GetString()
            : r.Body.GetProperty("selected_fulfillment_options").EnumerateArray().Single().GetProperty("option_id").GetString();
        selected.Should().Be(standard, "the cheapest option is preselected (checklist 36)");
        r.TotalOf("fulfillment").Should().Be(500);
        r.TotalOf("tax").Should().Be(0, "the simulator is tax-free; tax totals are present (checklist 36)");
        r.Total.Should().Be(4500 + 500);
        SessionInvariants.Check(r, version);
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task A_missing_or_empty_item_list_is_a_400_naming_it(string version)
    {
        using var acp = world.Gateway.Acp(version);
        var body = (JsonObject)AcpBodies.Create(version, ("CSA-PRO", 1));
        body.Remove(ItemsKey(version));
        var r = await acp.CreateAsync(body);
        r.Status.Should().Be(400, "checklist 29/30");
        r.Body.GetProperty("type").GetString().Should().Be("invalid_request");
        r.Body.GetProperty("param").GetString().Should().Be($"$.{ItemsKey(version)}");
        body[ItemsKey(version)] = new JsonArray();
        (await acp.CreateAsync(body)).Status.Should().Be(400);
    }

    [Theory]
    [InlineData("currency")]
    [InlineData("capabilities")]
    public async Task A_2026_04_17_create_without_currency_or_capabilities_is_a_400(string member)
    {
        using var acp = world.Gateway.Acp("2026-04-17");
        var body = (JsonObject)AcpBodies.Create("2026-04-17", ("CSA-PRO", 1));
        body.Remove(member);
        var r = await acp.CreateAsync(body);
        r.Status.Should().Be(400, "checklist 30");
        r.Body.GetProperty("param").GetString().Should().Be("$." + member);
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task An_unknown_top_level_member_is_a_400_naming_it(string version)
    {
        using var acp = world.Gateway.Acp(version);
        var body = (JsonObject)AcpBodies.Create(version, ("CSA-PRO", 1));
        body["foo"] = 1;
        var r = await acp.CreateAsync(body);
        r.Status.Should().Be(400, "checklist 31: additionalProperties false");
        r.Body.GetProperty("param").GetString().Should().Be("$.foo");
        r.Body.GetProperty("message").GetString().Should().NotContain("Cmp.", "errors speak the request's language, not .NET's");
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task An_unknown_item_is_a_400_invalid_item_id_with_its_path(string version)
    {
        using var acp = world.Gateway.Acp(version);
        var r = await acp.CreateAsync(AcpBodies.Create(version, ("CSA-PRO", 1), ("NO-SUCH-SKU", 1)));
        r.Status.Should().Be(400, "checklist 32 (error_400_invalid_item)");
        r.Code.Should().Be("invalid_item_id");
        r.Body.GetProperty("param").GetString().Should().Be($"$.{ItemsKey(version)}[1].id");
    }

    [Theory]
    [InlineData("2025-09-29", 0)]
    [InlineData("2025-09-29", -1)]
    [InlineData("2025-09-29", 1.5)]
    [InlineData("2026-04-17", 0)]
    public async Task A_quantity_that_is_not_a_whole_number_of_at_least_one_is_a_400(string version, double quantity)
    {
        using var acp = world.Gateway.Acp(version);
        var body = (JsonObject)AcpBodies.Create(version, ("CSA-PRO", 1));
        body[ItemsKey(version)]![0]!["quantity"] = quantity;
        var r = await acp.CreateAsync(body);
        r.Status.Should().Be(400, "checklist 34");
        r.Body.GetProperty("param").GetString().Should().Be($"$.{ItemsKey(version)}[0].quantity");
    }

    [Fact]
    public async Task A_2026_04_17_item_without_quantity_is_one_unit()
    {
        using var acp = world.Gateway.Acp("2026-04-17");
        var r = await acp.CreateAsync(new { line_items = new[] { new { id = "CREDITS-500" } }, currency = "usd", capabilities = new { } });
        r.Status.Should().Be(201, "acp.md §0: Item has no quantity in 2026-04-17 (issue #264); it defaults to 1 (#272)");
        r.Lines.Single().GetProperty("quantity").GetInt32().Should().Be(1);
        r.Total.Should().Be(4000);
    }

    [Fact]
    public async Task A_currency_the_channel_does_not_sell_in_is_a_400()
    {
        using var acp = world.Gateway.Acp("2026-04-17");
        var r = await acp.CreateAsync(new { line_items = new[] { new { id = "CREDITS-500" } }, currency = "eur", capabilities = new { } });
        r.Status.Should().Be(400);
        r.Body.GetProperty("param").GetString().Should().Be("$.currency");
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task The_same_item_twice_is_one_line_with_the_quantities_added(string version)
    {
        using var acp = world.Gateway.Acp(version);
        var r = await acp.CreateAsync(AcpBodies.Create(version, ("CREDITS-100", 1), ("CREDITS-100", 2)));
        r.Lines.Should().ContainSingle();
        r.Total.Should().Be(3000);
    }

    [Fact]
    public async Task Capabilities_are_negotiated_unknown_interventions_are_ignored_and_handlers_are_declared()
    {
        using var acp = world.Gateway.Acp("2026-04-17");
        var r = await acp.CreateAsync(new
        {
            line_items = new[] { new { id = "CSA-PRO" } }, currency = "usd",
            capabilities = new { interventions = new { supported = new[] { "biometric", "address_verification", "3ds" } } },
        });
        r.Status.Should().Be(201, "unknown values are not an error (checklist 39)");
        var caps = r.Body.GetProperty("capabilities");
        caps.GetProperty("interventions").GetProperty("supported").EnumerateArray().Select(x => x.GetString()).Should().Equal(["3ds"],
            "the intersection of the agent's and the seller's lists (checklist 39)");
        var handlers = caps.GetProperty("payment").GetProperty("handlers").EnumerateArray().ToArray();
        handlers.Select(h => h.GetProperty("id").GetString()).Should().Contain(["cmp_test_psp", "stripe_spt"]);
        handlers.Single(h => h.GetProperty("id").GetString() == "cmp_test_psp").GetProperty("config").GetProperty("merchant_id").GetString()
            .Should().Be(CommerceWorld.MerchantId);
        var none = await acp.CreateAsync(new { line_items = new[] { new { id = "CSA-PRO" } }, currency = "usd", capabilities = new { } });
        none.Body.GetProperty("capabilities").GetProperty("interventions").GetProperty("supported").GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task Items_whose_product_is_not_enabled_for_agent_checkout_are_refused()
    {
        var staff = await CommerceWorld.StaffAsync(world.Saleor);
        var variant = await staff.ExecuteAsync<System.Text.Json.JsonElement>("CatalogVariant", new { sku = "KBA-BASIC", channel = "default-channel" });
        var productId = variant.Value.GetProperty("productVariant").GetProperty("product").GetProperty("id").GetString()!;
        await staff.ExecuteAsync<System.Text.Json.JsonElement>("UpdateMetadata", new { id = productId, input = new[] { new { key = "acp.enable_checkout", value = "false" } } });
        try
        {
            using var acp = world.Gateway.Acp("2026-04-17");
            var r = await acp.CreateAsync(AcpBodies.Create("2026-04-17", ("KBA-BASIC", 1)));
            r.Status.Should().Be(400);
            r.Code.Should().Be("item_not_purchasable");
        }
        finally
        {
            await staff.ExecuteAsync<System.Text.Json.JsonElement>("UpdateMetadata", new { id = productId, input = new[] { new { key = "acp.enable_checkout", value = "true" } } });
        }
    }
}
