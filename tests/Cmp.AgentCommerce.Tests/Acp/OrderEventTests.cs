using System.Text.Json;
using Cmp.AgentCommerce.Tests.Harness;
using Cmp.Testing;
using Microsoft.EntityFrameworkCore;

namespace Cmp.AgentCommerce.Tests.Acp;

/// <summary>Order events to the agent platform from the durable outbox (conformance checklist J, 93–100): signed,
/// retried with backoff, in order per order, valid against the webhook schema of the session's version.</summary>
public sealed class OrderEventTests(CommerceWorld world)
{
    async Task<(string SessionId, string OrderId)> BuyAsync(GatewayHost gw, string version, string sku = "CREDITS-100", int[]? failures = null)
    {
        using var acp = gw.Acp(version);
        var s = await acp.CreateAsync(AcpBodies.Create(version, AcpBodies.Buyer(), AcpBodies.Address(), (sku, 1)));
        if (failures is not null) world.Webhooks.FailNext(s.Id, failures);
        var vt = (await acp.DelegateAsync(AcpBodies.Delegate(s.Id, 100_000))).Id;
        var done = await acp.CompleteAsync(s.Id, AcpBodies.Pay(version, vt));
        done.StatusText.Should().Be("completed", done.Text);
        return (s.Id, done.Body.GetProperty("order").GetProperty("id").GetString()!);
    }

    IReadOnlyList<WebhookReceiver.Delivery> For(string sessionId) =>
        world.Webhooks.Deliveries.Where(d => d.Text.Contains(sessionId, StringComparison.Ordinal)).ToArray();

    [Fact]
    public async Task A_platform_that_fails_gets_the_same_signed_bytes_again_until_it_answers_2xx()
    {
        var (session, _) = await BuyAsync(world.Gateway, "2026-04-17", failures: [503, 500]);
        var deliveries = await Poller.ValueAsync(() => Task.FromResult(For(session) is { Count: >= 3 } d ? d : null), "three attempts");
        deliveries.Take(2).Select(d => d.AnsweredStatus).Should().Equal(503, 500);
        deliveries[2].AnsweredStatus.Should().Be(200, "checklist 99: retried until 2xx");
        deliveries.Select(d => d.Text).Distinct().Should().ContainSingle("the same bytes every time (checklist 100)");
        await using var db = world.Gateway.Db();
        var row = await db.OrderEvents.SingleAsync(e => e.SessionId == session);
        row.DeliveredAt.Should().NotBeNull();
        row.Attempts.Should().Be(3);
    }

    [Fact]
    public async Task A_permanent_refusal_is_not_retried_and_the_event_is_kept_as_dead()
    {
        var (session, _) = await BuyAsync(world.Gateway, "2025-09-29", failures: [400]);
        await Poller.UntilAsync(async () =>
        {
            await using var db = world.Gateway.Db();
            return await db.OrderEvents.AnyAsync(e => e.SessionId == session && e.DeadAt != null);
        }, "the event to be given up");
        For(session).Should().ContainSingle("a 4xx is not retried");
    }

    [Theory]
    [InlineData("2025-09-29", "fulfilled")]
    [InlineData("2026-04-17", "completed")]
    public async Task A_change_in_Saleor_reaches_the_platform_as_order_update_with_the_full_order(string version, string fulfilled)
    {
        var (session, orderId) = await BuyAsync(world.Gateway, version, "CSA-BASIC");
        await Poller.UntilAsync(() => Task.FromResult(For(session).Any(d => d.Text.Contains("\"order_create\"", StringComparison.Ordinal))), "order_create");
        var staff = await SaleorStaff.LoginAsync(world.Saleor);
        await staff.FulfilAsync(orderId);   // what the provisioner does once the agent is provisioned

        var update = await Poller.ValueAsync(() => Task.FromResult(For(session).FirstOrDefault(d => d.Text.Contains("\"order_update\"", StringComparison.Ordinal))),
            "order_update", TimeSpan.FromSeconds(30));
        var body = JsonDocument.Parse(update.Body).RootElement;
        await world.Schemas.AssertValidAsync(version, "webhook", "WebhookEvent", body);
        body.GetProperty("data").GetProperty("status").GetString().Should().Be(fulfilled);
        if (version == "2026-04-17")
        {
            var data = body.GetProperty("data");
            data.GetProperty("id").GetString().Should().Be(orderId, "the full order, not a delta (checklist 95)");
            data.GetProperty("line_items")[0].GetProperty("quantity").GetProperty("fulfilled").GetInt32().Should().Be(1);
            data.GetProperty("fulfillments").GetArrayLength().Should().Be(1);
        }
        update.Headers.Should().ContainKey("Merchant-Signature");
        update.Headers["Content-Type"].Should().StartWith("application/json", "checklist 96");
        using var acp = world.Gateway.Acp(version);
        var read = await acp.GetAsync(session);
        if (version == "2026-04-17") read.Body.GetProperty("order").GetProperty("status").GetString().Should().Be("completed");
    }

    [Fact]
    public async Task Event_names_and_the_signature_header_are_configurable()
    {
        await using var gw = await world.StartGatewayAsync(new()
        {
            ["Acp:Platforms:0:Webhook:OrderCreateEvent"] = "order_created",
            ["Acp:Platforms:0:Webhook:SignatureHeader"] = "Cmp-Signature",
        });
        var (session, _) = await BuyAsync(gw, "2026-04-17");
        var d = await Poller.ValueAsync(() => Task.FromResult(For(session).FirstOrDefault()), "the event");
        JsonDocument.Parse(d.Body).RootElement.GetProperty("type").GetString().Should().Be("order_created", "OpenAI's docs name it so (acp.md §12)");
        d.Headers.Should().ContainKey("Cmp-Signature");
    }
}
