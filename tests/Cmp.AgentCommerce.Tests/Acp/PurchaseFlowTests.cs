using System.Security.Cryptography;
using System.Text;
using Cmp.AgentCommerce.Tests.Harness;
using Cmp.Testing;

namespace Cmp.AgentCommerce.Tests.Acp;

/// <summary>The happy paths end to end in both API versions: create → update → complete with a delegated token,
/// Saleor order, order_create webhook.</summary>
public sealed class PurchaseFlowTests(CommerceWorld world)
{
    public static TheoryData<string> Versions => new() { "2025-09-29", "2026-04-17" };

    [Theory, MemberData(nameof(Versions))]
    public async Task An_agent_plan_is_bought_with_a_delegated_token_and_becomes_a_saleor_order(string version)
    {
        using var acp = world.Gateway.Acp(version);
        var created = await acp.CreateAsync(AcpBodies.Create(version, AcpBodies.Buyer(), null, ("CSA-PRO", 1)));
        created.Status.Should().Be(201, created.Text);
        created.StatusText.Should().Be("ready_for_payment", "a digital item with the buyer's e-mail needs nothing else: {0}", created.Text);
        created.Total.Should().Be(4999);
        created.Lines.Should().ContainSingle().Which.GetProperty("item").GetProperty("id").GetString().Should().Be("CSA-PRO");
        created.Lines[0].GetProperty("id").GetString().Should().StartWith("li_").And.NotBe("CSA-PRO");

        var got = await acp.GetAsync(created.Id);
        got.Status.Should().Be(200);
        got.Total.Should().Be(4999);

        var token = await acp.DelegateAsync(AcpBodies.Delegate(created.Id, 4999));
        token.Status.Should().Be(201, token.Text);
        var vt = token.Id;
        vt.Should().StartWith("vt_");

        var completed = await acp.CompleteAsync(created.Id, AcpBodies.Pay(version, vt, billing: AcpBodies.Address()));
        completed.Status.Should().Be(200, completed.Text);
        completed.StatusText.Should().Be("completed");
        var order = completed.Body.GetProperty("order");
        order.GetProperty("checkout_session_id").GetString().Should().Be(created.Id);
        order.GetProperty("permalink_url").GetString().Should().StartWith("https://shop.test/orders/");

        (await acp.GetAsync(created.Id)).StatusText.Should().Be("completed");

        var delivery = await Poller.ValueAsync(() => Task.FromResult(world.Webhooks.Deliveries.FirstOrDefault(d => d.Text.Contains(created.Id, StringComparison.Ordinal))),
            "the order_create event");
        var body = System.Text.Json.JsonDocument.Parse(delivery.Body).RootElement;
        body.GetProperty("type").GetString().Should().Be("order_create");
        await world.Schemas.AssertValidAsync(version, "webhook", "WebhookEvent", body);
        var signature = delivery.Headers["Merchant-Signature"];
        if (version == "2026-04-17")
        {
            var parts = signature.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
            var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(CommerceWorld.WebhookSecret),
                Encoding.UTF8.GetBytes(parts["t"] + "." + delivery.Text)));
            parts["v1"].Should().Be(expected);
            long.Parse(parts["t"], System.Globalization.CultureInfo.InvariantCulture).Should().BeCloseTo(DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 300);
        }
        else
        {
            signature.Should().Be(Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(CommerceWorld.WebhookSecret), delivery.Body)));
        }
    }
}
