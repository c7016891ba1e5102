using System.Text.Json.Nodes;
using Cmp.AgentCommerce.Tests.Harness;

namespace Cmp.AgentCommerce.Tests.Acp;

/// <summary>POST /checkout_sessions/{id} (conformance checklist D, 43–50).</summary>
public sealed class UpdateSessionTests(CommerceWorld world)
{
    public static TheoryData<string> Versions => new() { "2025-09-29", "2026-04-17" };

    static object Select(string version, string optionId, IEnumerable<string> lineIds) => version == "2025-09-29"
        ? new { fulfillment_option_id = optionId }
        : new { selected_fulfillment_options = new[] { new { type = "shipping", option_id = optionId, item_ids = lineIds.ToArray() } } };

    static object AddressUpdate(string version, object address) => version == "2025-09-29"
        ? new { fulfillment_address = address }
        : new { fulfillment_details = new { name = "Ada Lovelace", address } };

    [Theory, MemberData(nameof(Versions))]
    public async Task Choosing_another_shipping_option_recomputes_fulfillment_and_total(string version)
    {
        using var acp = world.Gateway.Acp(version);
        var created = await acp.CreateAsync(AcpBodies.Create(version, AcpBodies.Buyer(), AcpBodies.Address(), ("CMP-MUG", 1)));
        var express = created.Body.GetProperty("fulfillment_options").EnumerateArray().Single(o => o.GetProperty("title").GetString() == "Express");
        var lineIds = created.Lines.Select(l => l.GetProperty("id").GetString()!);

        var updated = await acp.UpdateAsync(created.Id, Select(version, express.GetProperty("id").GetString()!, lineIds));
        updated.Status.Should().Be(200, "checklist 43");
        updated.TotalOf("fulfillment").Should().Be(1500, "checklist 44");
        updated.Total.Should().Be(1250 + 1500);
        updated.Body.GetProperty("line_items").GetArrayLength().Should().Be(1, "the full session, not a diff (checklist 43)");
        SessionInvariants.Check(updated, version);
        (await acp.GetAsync(created.Id)).Total.Should().Be(updated.Total, "GET shows the latest state (checklist 52)");
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task An_option_that_is_not_offered_is_flagged_and_nothing_changes(string version)
    {
        using var acp = world.Gateway.Acp(version);
        var created = await acp.CreateAsync(AcpBodies.Create(version, AcpBodies.Buyer(), AcpBodies.Address(), ("CMP-MUG", 1)));
        var updated = await acp.UpdateAsync(created.Id, Select(version, "ship_nonexistent", created.Lines.Select(l => l.GetProperty("id").GetString()!)));
        updated.Status.Should().Be(200);
        var m = updated.Message("invalid");
        m.GetProperty("param").GetString().Should().Be(version == "2025-09-29" ? "$.fulfillment_option_id" : "$.selected_fulfillment_options", "checklist 45");
        updated.Total.Should().Be(created.Total);
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task Setting_an_address_brings_shipping_options_and_a_fulfillment_total(string version)
    {
        using var acp = world.Gateway.Acp(version);
        var created = await acp.CreateAsync(AcpBodies.Create(version, AcpBodies.Buyer(), null, ("CMP-MUG", 2)));
        created.Body.GetProperty("fulfillment_options").GetArrayLength().Should().Be(0);
        var updated = await acp.UpdateAsync(created.Id, AddressUpdate(version, AcpBodies.Address()));
        updated.StatusText.Should().Be("ready_for_payment", updated.Text);
        updated.Body.GetProperty("fulfillment_options").GetArrayLength().Should().Be(2, "checklist 46");
        updated.TotalOf("fulfillment").Should().Be(500);
        SessionInvariants.Check(updated, version);
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task An_address_without_a_required_field_is_a_400_naming_the_field(string version)
    {
        using var acp = world.Gateway.Acp(version);
        var created = await acp.CreateAsync(AcpBodies.Create(version, AcpBodies.Buyer(), null, ("CMP-MUG", 1)));
        var r = await acp.UpdateAsync(created.Id, AddressUpdate(version, new
        {
            name = "Ada Lovelace", line_one = "1 Main St", city = "New York", state = "  ", country = "US", postal_code = "10001",
        }));
        r.Status.Should().Be(400);
        r.Body.GetProperty("param").GetString().Should().EndWith("address.state");
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task An_address_Saleor_does_not_ship_to_is_a_message_on_the_country(string version)
    {
        using var acp = world.Gateway.Acp(version);
        var created = await acp.CreateAsync(AcpBodies.Create(version, AcpBodies.Buyer(), null, ("CMP-MUG", 1)));
        var updated = await acp.UpdateAsync(created.Id, AddressUpdate(version, new
        {
            name = "Ada Lovelace", line_one = "1 Rue de Rivoli", city = "Paris", state = "IDF", country = "FR", postal_code = "75001",
        }));
        updated.Status.Should().Be(200, "the session is valid; the address just cannot be served");
        var m = updated.Message("invalid");
        m.GetProperty("param").GetString().Should().EndWith("address.country");
        m.GetProperty("content").GetString().Should().Contain("FR");
        updated.StatusText.Should().Be("not_ready_for_payment");
        updated.Body.GetProperty("fulfillment_options").GetArrayLength().Should().Be(0);
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task An_invalid_buyer_email_is_a_message_on_buyer_email(string version)
    {
        using var acp = world.Gateway.Acp(version);
        var created = await acp.CreateAsync(AcpBodies.Create(version, ("CSA-PRO", 1)));
        var updated = await acp.UpdateAsync(created.Id, new { buyer = new { first_name = "Ada", last_name = "L", email = "not-an-email" } });
        updated.Status.Should().Be(200, "checklist 50");
        updated.Message("invalid").GetProperty("param").GetString().Should().Be("$.buyer.email");
        updated.StatusText.Should().Be("not_ready_for_payment");
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task Items_on_update_replace_the_lines(string version)
    {
        using var acp = world.Gateway.Acp(version);
        var created = await acp.CreateAsync(AcpBodies.Create(version, ("CSA-BASIC", 1), ("CREDITS-100", 2)));
        var key = version == "2025-09-29" ? "items" : "line_items";
        var body = new JsonObject
        {
            [key] = new JsonArray(new JsonObject { ["id"] = "CREDITS-100", ["quantity"] = 1 }, new JsonObject { ["id"] = "CREDITS-500", ["quantity"] = 1 }),
        };
        var updated = await acp.UpdateAsync(created.Id, body);
        updated.Status.Should().Be(200);
        updated.Lines.Select(l => l.GetProperty("item").GetProperty("id").GetString()).Should().BeEquivalentTo(["CREDITS-100", "CREDITS-500"],
            "the documented choice: an update's items replace the cart (checklist 49)");
        updated.Total.Should().Be(1000 + 4000);
        SessionInvariants.Check(updated, version);
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task Updating_an_unknown_session_is_a_404(string version)
    {
        using var acp = world.Gateway.Acp(version);
        var r = await acp.UpdateAsync("cs_doesnotexist", new { buyer = AcpBodies.Buyer() });
        r.Status.Should().Be(404, "checklist 47");
        r.Code.Should().Be("checkout_session_not_found");
        (await acp.GetAsync("cs_doesnotexist")).Status.Should().Be(404, "checklist 53");
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task A_canceled_session_cannot_be_updated(string version)
    {
        using var acp = world.Gateway.Acp(version);
        var created = await acp.CreateAsync(AcpBodies.Create(version, ("CSA-PRO", 1)));
        (await acp.CancelAsync(created.Id)).StatusText.Should().Be("canceled");
        var r = await acp.UpdateAsync(created.Id, new { buyer = AcpBodies.Buyer() });
        r.Status.Should().Be(400, "the documented choice for checklist 48 (400, not the 409/422 idempotency uses)");
        r.Code.Should().Be("checkout_session_closed");
    }

    [Fact]
    public async Task Another_platform_cannot_see_or_change_a_session()
    {
        using var mine = world.Gateway.Acp("2026-04-17");
        using var theirs = world.Gateway.Acp("2026-04-17", CommerceWorld.OtherPlatformKey);
        var created = await mine.CreateAsync(AcpBodies.Create("2026-04-17", ("CSA-PRO", 1)));
        (await theirs.GetAsync(created.Id)).Status.Should().Be(404);
        (await theirs.UpdateAsync(created.Id, new { buyer = AcpBodies.Buyer() })).Status.Should().Be(404);
        (await theirs.CancelAsync(created.Id)).Status.Should().Be(404);
        (await mine.GetAsync(created.Id)).StatusText.Should().Be("not_ready_for_payment");
    }
}
