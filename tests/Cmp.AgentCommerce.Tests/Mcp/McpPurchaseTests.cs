using System.Text.Json;
using Cmp.AgentCommerce.Tests.Harness;
using Microsoft.EntityFrameworkCore;

namespace Cmp.AgentCommerce.Tests.Mcp;

/// <summary>Buying through the MCP server with the SDK's C# client, in both transports (2026-07-28 without a session,
/// 2025-11-25 with one): search, checkout, a delegated vt_ token from the test PSP, complete with an idempotency key.</summary>
public sealed class McpPurchaseTests(CommerceWorld world)
{
    /// <summary>"default": whatever the client picks (2026-07-28, stateless).</summary>
    public static TheoryData<string> Revisions => new() { "default", "2025-11-25" };

    [Theory, MemberData(nameof(Revisions))]
    public async Task A_buyer_finds_and_buys_an_agent_plan_and_a_retry_with_the_key_returns_the_same_order(string pick)
    {
        var revision = pick == "default" ? null : pick;
        var token = await world.Identity.BuyerTokenAsync();
        await using var mcp = await McpConnection.OpenAsync(world.Gateway.Url, token, revision);
        if (revision is null)
        {
            mcp.Client.NegotiatedProtocolVersion.Should().Be("2026-07-28");
            mcp.Client.SessionId.Should().BeNull("the 2026-07-28 revision has no sessions");
        }
        else
        {
            mcp.Client.NegotiatedProtocolVersion.Should().Be(revision);
            mcp.Client.SessionId.Should().NotBeNullOrEmpty();
        }

        var found = await mcp.CallAsync("search_catalog", new { query = "support" });
        found.IsError.Should().BeFalse(found.Text);
        var pro = found["items"].EnumerateArray().Single(i => i.GetProperty("sku").GetString() == "CSA-PRO");
        pro.GetProperty("price").GetProperty("amount").GetInt64().Should().Be(4999);
        pro.GetProperty("purchasable").GetBoolean().Should().BeTrue();

        var product = await mcp.CallAsync("get_product", new { sku = "CSA-PRO" });
        product.IsError.Should().BeFalse(product.Text);
        product["kind"].GetString().Should().Be("agent");
        product["requires_shipping"].GetBoolean().Should().BeFalse();

        var checkout = await mcp.CallAsync("create_checkout", new { items = new[] { new { sku = "CSA-PRO", quantity = 1 } } });
        checkout.IsError.Should().BeFalse(checkout.Text);
        checkout.Str("status").Should().Be("ready_for_payment", checkout.ToString());
        checkout.Str("buyer_email").Should().Be("buyer@example.com", "purchases are made in the signed-in buyer's name");
        checkout["totals"].GetProperty("total").GetProperty("amount").GetInt64().Should().Be(4999);
        var payment = checkout["payment"];
        payment.GetProperty("max_amount").GetInt64().Should().Be(4999);
        payment.GetProperty("merchant_id").GetString().Should().Be(CommerceWorld.MerchantId);
        payment.GetProperty("delegate_payment_url").GetString().Should().EndWith("/acp/agentic_commerce/delegate_payment");
        var id = checkout.Str("checkout_id");

        // The buyer's client tokenizes the card itself, with the same Keycloak token.
        using var psp = world.Gateway.Acp(key: token);
        var vt = await psp.DelegateAsync(AcpBodies.Delegate(id, 4999));
        vt.Status.Should().Be(201, vt.Text);

        var key = Guid.NewGuid().ToString();
        var args = new { checkout_id = id, idempotency_key = key, payment_token = vt.Id, billing_address = Address() };
        var done = await mcp.CallAsync("complete_checkout", args);
        done.IsError.Should().BeFalse(done.Text);
        done.Str("status").Should().Be("completed");
        var order = done["order"];
        var orderId = order.GetProperty("order_id").GetString()!;
        order.GetProperty("total").GetProperty("amount").GetInt64().Should().Be(4999);
        done.Str("next_step").Should().Contain("list_my_agents");

        var again = await mcp.CallAsync("complete_checkout", args);
        again.IsError.Should().BeFalse(again.Text);
        again["order"].GetProperty("order_id").GetString().Should().Be(orderId);
        (await world.Gateway.SaleorTransactionsAsync(id)).Should().BeLessThanOrEqualTo(1, "a retry never pays twice");

        var conflict = await mcp.CallAsync("complete_checkout", args with { payment_token = "vt_other" });
        conflict.IsError.Should().BeTrue();
        conflict.Text.Should().Contain("idempotency_key was already used with other arguments");

        var byCheckout = await mcp.CallAsync("get_order", new { checkout_id = id });
        byCheckout.IsError.Should().BeFalse(byCheckout.Text);
        byCheckout.Str("order_id").Should().Be(orderId);
        byCheckout["lines"].EnumerateArray().Should().ContainSingle(l => l.GetProperty("sku").GetString() == "CSA-PRO");
        var byOrder = await mcp.CallAsync("get_order", new { order_id = orderId });
        byOrder.Str("checkout_id").Should().Be(id);

        var staff = await SaleorStaff.LoginAsync(world.Saleor);
        (await staff.OrderEmailAsync(orderId)).Should().Be("buyer@example.com", "the e-mail names the tenant the plan is provisioned to");
    }

    [Fact]
    public async Task Merchandise_needs_an_address_then_a_shipping_option_is_chosen_and_paid()
    {
        var token = await world.Identity.BuyerTokenAsync();
        await using var mcp = await McpConnection.OpenAsync(world.Gateway.Url, token);
        var bare = await mcp.CallAsync("create_checkout", new { items = new[] { new { sku = "CMP-MUG", quantity = 2 } } });
        bare.IsError.Should().BeFalse(bare.Text);
        bare.Str("status").Should().Be("not_ready_for_payment");
        bare["payment"].ValueKind.Should().Be(JsonValueKind.Null);
        bare["messages"].EnumerateArray().Should().Contain(m => m.GetProperty("field").GetString() == "shipping_address");
        bare.Str("next_step").Should().StartWith("Fix this first");

        var addressed = await mcp.CallAsync("update_checkout", new { checkout_id = bare.Str("checkout_id"), shipping_address = Address() });
        addressed.IsError.Should().BeFalse(addressed.Text);
        var options = addressed["fulfillment_options"].EnumerateArray().ToArray();
        options.Should().NotBeEmpty().And.OnlyContain(o => o.GetProperty("type").GetString() == "shipping");
        var dearest = options.MaxBy(o => o.GetProperty("price").GetProperty("amount").GetInt64());

        var chosen = await mcp.CallAsync("update_checkout", new { checkout_id = bare.Str("checkout_id"), fulfillment_option_id = dearest.GetProperty("id").GetString() });
        chosen.IsError.Should().BeFalse(chosen.Text);
        chosen.Str("status").Should().Be("ready_for_payment");
        chosen["fulfillment_options"].EnumerateArray().Single(o => o.GetProperty("selected").GetBoolean()).GetProperty("id").GetString()
            .Should().Be(dearest.GetProperty("id").GetString());
        var totals = chosen["totals"];
        totals.GetProperty("shipping").GetProperty("amount").GetInt64().Should().Be(dearest.GetProperty("price").GetProperty("amount").GetInt64());
        totals.GetProperty("total").GetProperty("amount").GetInt64().Should().Be(
            totals.GetProperty("subtotal").GetProperty("amount").GetInt64() + totals.GetProperty("shipping").GetProperty("amount").GetInt64()
            + totals.GetProperty("tax").GetProperty("amount").GetInt64() - totals.GetProperty("discount").GetProperty("amount").GetInt64());

        var total = totals.GetProperty("total").GetProperty("amount").GetInt64();
        using var psp = world.Gateway.Acp(key: token);
        var vt = await psp.DelegateAsync(AcpBodies.Delegate(bare.Str("checkout_id"), total));
        var done = await mcp.CallAsync("complete_checkout", new { checkout_id = bare.Str("checkout_id"), idempotency_key = Guid.NewGuid().ToString(), payment_token = vt.Id });
        done.IsError.Should().BeFalse(done.Text);
        done.Str("status").Should().Be("completed");
    }

    [Fact]
    public async Task A_declined_card_leaves_the_checkout_payable_with_the_reason_and_nothing_recorded_in_saleor()
    {
        var token = await world.Identity.BuyerTokenAsync();
        await using var mcp = await McpConnection.OpenAsync(world.Gateway.Url, token);
        var checkout = await mcp.CallAsync("create_checkout", new { items = new[] { new { sku = "CREDITS-100", quantity = 1 } } });
        var id = checkout.Str("checkout_id");
        using var psp = world.Gateway.Acp(key: token);
        var vt = await psp.DelegateAsync(AcpBodies.Delegate(id, checkout["totals"].GetProperty("total").GetProperty("amount").GetInt64(), number: "4000000000000002"));

        var declined = await mcp.CallAsync("complete_checkout", new { checkout_id = id, idempotency_key = Guid.NewGuid().ToString(), payment_token = vt.Id, billing_address = Address() });
        declined.IsError.Should().BeFalse("a decline is an answer about the checkout, not a failed call: {0}", declined.Text);
        declined.Str("status").Should().Be("ready_for_payment");
        declined["messages"].EnumerateArray().Should().Contain(m => m.GetProperty("code").GetString() == "payment_declined"
                                                                   && m.GetProperty("field").GetString() == "payment_token");
        declined.Str("next_step").Should().Contain("The last payment failed");
        (await world.Gateway.SaleorTransactionsAsync(id)).Should().Be(0);
    }

    [Fact]
    public async Task Checkouts_belong_to_the_buyer_who_created_them()
    {
        await using var buyer = await McpConnection.OpenAsync(world.Gateway.Url, await world.Identity.BuyerTokenAsync());
        await using var other = await McpConnection.OpenAsync(world.Gateway.Url, await world.Identity.OtherTokenAsync());
        var mine = await buyer.CallAsync("create_checkout", new { items = new[] { new { sku = "CSA-BASIC", quantity = 1 } } });

        foreach (var (tool, args) in new (string, object)[]
                 {
                     ("get_checkout", new { checkout_id = mine.Str("checkout_id") }),
                     ("update_checkout", new { checkout_id = mine.Str("checkout_id"), items = new[] { new { sku = "CSA-PRO", quantity = 1 } } }),
                     ("cancel_checkout", new { checkout_id = mine.Str("checkout_id") }),
                     ("complete_checkout", new { checkout_id = mine.Str("checkout_id"), idempotency_key = "k1", payment_token = "vt_x" }),
                 })
        {
            var r = await other.CallAsync(tool, args);
            r.IsError.Should().BeTrue(tool);
            r.Text.Should().Contain("checkout_session_not_found", tool);
        }
        (await buyer.CallAsync("get_checkout", new { checkout_id = mine.Str("checkout_id") })).Str("status").Should().Be("ready_for_payment");

        // The ACP REST API's platforms do not see MCP checkouts either.
        using var acp = world.Gateway.Acp();
        (await acp.GetAsync(mine.Str("checkout_id"))).Status.Should().Be(404);

        var canceled = await buyer.CallAsync("cancel_checkout", new { checkout_id = mine.Str("checkout_id") });
        canceled.Str("status").Should().Be("canceled");
        canceled.Str("next_step").Should().Contain("create a new one");
    }

    [Fact]
    public async Task Tool_errors_say_what_is_wrong_and_what_to_do()
    {
        await using var mcp = await McpConnection.OpenAsync(world.Gateway.Url, await world.Identity.BuyerTokenAsync());

        var unknown = await mcp.CallAsync("create_checkout", new { items = new[] { new { sku = "NOPE-1", quantity = 1 } } });
        unknown.IsError.Should().BeTrue();
        unknown.Text.Should().Contain("NOPE-1").And.Contain("search_catalog").And.Contain("[invalid_item_id]");

        var empty = await mcp.CallAsync("create_checkout", new { items = Array.Empty<object>() });
        empty.IsError.Should().BeTrue();
        empty.Text.Should().Contain("at least one");

        var zero = await mcp.CallAsync("create_checkout", new { items = new[] { new { sku = "CSA-PRO", quantity = 0 } } });
        zero.Text.Should().Contain("items[0].quantity");

        var product = await mcp.CallAsync("get_product", new { sku = "NOPE-1" });
        product.IsError.Should().BeTrue();
        product.Text.Should().Contain("search_catalog");

        var missing = await mcp.CallAsync("get_checkout", new { checkout_id = "cs_doesnotexist" });
        missing.IsError.Should().BeTrue();
        missing.Text.Should().Contain("create a new checkout");

        var checkout = await mcp.CallAsync("create_checkout", new { items = new[] { new { sku = "CSA-PRO", quantity = 1 } } });
        var noKey = await mcp.CallAsync("complete_checkout", new { checkout_id = checkout.Str("checkout_id"), idempotency_key = " ", payment_token = "vt_x" });
        noKey.IsError.Should().BeTrue();
        noKey.Text.Should().Contain("idempotency_key is required");

        var forged = await mcp.CallAsync("complete_checkout", new { checkout_id = checkout.Str("checkout_id"), idempotency_key = Guid.NewGuid().ToString(), payment_token = "vt_forged", billing_address = Address() });
        forged.IsError.Should().BeFalse(forged.Text);
        forged["messages"].EnumerateArray().Should().Contain(m => m.GetProperty("field").GetString() == "payment_token");
        forged.Str("status").Should().NotBe("completed");

        var order = await mcp.CallAsync("get_order", new { });
        order.IsError.Should().BeTrue();
        order.Text.Should().Contain("order_id or checkout_id");

        var notMine = await mcp.CallAsync("get_order", new { order_id = "T3JkZXI6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw" });
        notMine.IsError.Should().BeTrue();
        notMine.Text.Should().Contain("no order");
    }

    [Fact]
    public async Task Account_tools_and_run_agent_explain_an_unreachable_control_plane()
    {
        // This gateway's control plane address goes nowhere (127.0.0.1:9): the tools say so instead of hanging or lying.
        await using var mcp = await McpConnection.OpenAsync(world.Gateway.Url, await world.Identity.BuyerTokenAsync());
        var agents = await mcp.CallAsync("list_my_agents");
        agents.IsError.Should().BeTrue();
        agents.Text.Should().Contain("retry");
        var run = await mcp.CallAsync("run_agent", new { instance_id = Guid.NewGuid(), input = "hello" });
        run.IsError.Should().BeTrue();
        // The run service asks the control plane whose instance this is before anything is reserved or run.
        run.Text.Should().Contain("nothing was charged").And.Contain("retry").And.EndWith("[control_plane_unavailable]");
    }

    static object Address() => AcpBodies.Address();
}
