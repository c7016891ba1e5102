using System.Text.Json;
using Cmp.AgentCommerce.Tests.Harness;
using Cmp.Gateway.Infrastructure.Commerce.Entities;
using Cmp.Testing;
using Cmp.Testing.Simulators;
using Microsoft.EntityFrameworkCore;

namespace Cmp.AgentCommerce.Tests.Acp;

/// <summary>A Saleor of its own (faults and stock changes would disturb other classes) and a gateway with short
/// Saleor timeouts.</summary>
public sealed class IsolatedSaleor(CommerceWorld world) : IAsyncLifetime
{
    public SaleorSimulator Saleor { get; private set; } = null!;
    public GatewayHost Gateway { get; private set; } = null!;
    public SaleorStaff Staff { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Saleor = await SaleorSimulator.StartAsync();
        var token = await CommerceWorld.InstallCatalogAsync(Saleor);
        Staff = await SaleorStaff.LoginAsync(Saleor);
        Gateway = await world.StartGatewayAsync(new()
        {
            ["Http:saleor:AttemptTimeout"] = "00:00:01",
            ["Http:saleor:TotalTimeout"] = "00:00:03",
            ["Http:saleor:MaxRetries"] = "1",
            ["Http:saleor:MinimumThroughput"] = "1000",
        }, Saleor, token);
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Saleor.DisposeAsync();
    }
}

/// <summary>Saleor failing, slow, out of stock or repricing in the middle of a checkout: the right messages or status,
/// never a double charge (brief "Saleor failures"; checklist 21, 24).</summary>
public sealed class SaleorFailureTests(IsolatedSaleor isolated) : IClassFixture<IsolatedSaleor>
{
    GatewayHost Gw => isolated.Gateway;
    SaleorSimulator Saleor => isolated.Saleor;

    [Fact]
    public async Task A_Saleor_5xx_is_a_503_that_is_not_stored_so_the_same_key_succeeds_later()
    {
        using var acp = Gw.Acp("2026-04-17");
        var key = Guid.NewGuid().ToString();
        var body = AcpBodies.Create("2026-04-17", ("CSA-PRO", 1));
        await Saleor.GraphQLFaultAsync(status: 503, count: 5, operationName: "VariantsBySkus");
        var failed = await acp.CreateAsync(body, key);
        failed.Status.Should().Be(503);
        failed.Body.GetProperty("type").GetString().Should().Be("service_unavailable", "checklist 89");
        failed.Header("Retry-After").Should().NotBeNull();
        await Saleor.ClearFaultsAsync();
        var retried = await acp.CreateAsync(body, key);
        retried.Status.Should().Be(201, "a 5xx is never stored: the retry is processed afresh (checklist 24)");
        retried.Header("Idempotent-Replayed").Should().BeNull();
    }

    [Fact]
    public async Task A_slow_Saleor_is_a_timely_503_not_a_hung_request()
    {
        using var acp = Gw.Acp("2026-04-17");
        var created = await acp.CreateAsync(AcpBodies.Create("2026-04-17", ("CSA-PRO", 1)));
        await Saleor.GraphQLFaultAsync(delayMs: 2500, count: 3, operationName: "Checkout");
        var started = DateTime.UtcNow;
        var r = await acp.GetAsync(created.Id);
        await Saleor.ClearFaultsAsync();
        r.Status.Should().Be(503);
        (DateTime.UtcNow - started).Should().BeLessThan(TimeSpan.FromSeconds(6), "timeouts bound every Saleor call");
    }

    [Fact]
    public async Task The_same_key_while_the_first_request_runs_is_409_in_flight_then_a_replay()
    {
        using var acp = Gw.Acp("2026-04-17");
        var key = Guid.NewGuid().ToString();
        var body = AcpBodies.Create("2026-04-17", ("CSA-BASIC", 1));
        await Saleor.GraphQLFaultAsync(delayMs: 900, count: 1, operationName: "CheckoutCreate");
        var first = acp.CreateAsync(body, key);
        await Poller.UntilAsync(async () =>
        {
            await using var db = Gw.Db();
            return await db.IdempotencyKeys.AnyAsync(k => k.Key == key);
        }, "the first request to hold the key");
        var second = await acp.CreateAsync(body, key);
        second.Status.Should().Be(409, "checklist 21");
        second.Code.Should().Be("idempotency_in_flight");
        second.Header("Retry-After").Should().NotBeNull();
        (await first).Status.Should().Be(201);
        (await acp.CreateAsync(body, key)).Header("Idempotent-Replayed").Should().Be("true");
    }

    [Fact]
    public async Task Stock_that_runs_out_mid_checkout_is_an_out_of_stock_message_and_blocks_payment()
    {
        await isolated.Staff.SetStockAsync("CMP-MUG", 100);
        using var acp = Gw.Acp("2026-04-17");
        var s = await acp.CreateAsync(AcpBodies.Create("2026-04-17", AcpBodies.Buyer(), AcpBodies.Address(), ("CMP-MUG", 3)));
        s.StatusText.Should().Be("ready_for_payment");
        await isolated.Staff.SetStockAsync("CMP-MUG", 1);

        var read = await acp.GetAsync(s.Id);
        read.StatusText.Should().Be("not_ready_for_payment");
        var oos = read.Message("out_of_stock");
        oos.GetProperty("param").GetString().Should().Be("$.line_items[0]", "checklist 33, 80");
        oos.GetProperty("content").GetString().Should().Contain("1 available");

        var vt = (await acp.DelegateAsync(AcpBodies.Delegate(s.Id, 100_000))).Id;
        var refused = await acp.CompleteAsync(s.Id, AcpBodies.Pay("2026-04-17", vt));
        refused.StatusText.Should().Be("not_ready_for_payment");
        await using (var db = Gw.Db()) (await db.TestPspCharges.CountAsync(c => c.CheckoutSessionId == s.Id)).Should().Be(0, "never charged");

        var fixedUp = await acp.UpdateAsync(s.Id, new { line_items = new[] { new { id = "CMP-MUG", quantity = 1 } } });
        fixedUp.StatusText.Should().Be("ready_for_payment");
        (await acp.CompleteAsync(s.Id, AcpBodies.Pay("2026-04-17", vt))).StatusText.Should().Be("completed");
        await isolated.Staff.SetStockAsync("CMP-MUG", 100);
    }

    [Fact]
    public async Task An_item_out_of_stock_at_creation_is_left_out_with_a_message_and_the_rest_is_kept()
    {
        await isolated.Staff.SetStockAsync("CMP-HOODIE", 0);
        try
        {
            using var acp = Gw.Acp("2025-09-29");
            var s = await acp.CreateAsync(AcpBodies.Create("2025-09-29", AcpBodies.Buyer(), AcpBodies.Address(), ("CMP-MUG", 1), ("CMP-HOODIE", 1)));
            s.Status.Should().Be(201);
            s.Lines.Select(l => l.GetProperty("item").GetProperty("id").GetString()).Should().Equal("CMP-MUG");
            s.Message("out_of_stock").GetProperty("content").GetString().Should().Contain("Hoodie");
            s.StatusText.Should().Be("not_ready_for_payment", "the cart is not what was asked for");
        }
        finally
        {
            await isolated.Staff.SetStockAsync("CMP-HOODIE", 50);
        }
    }

    [Fact]
    public async Task A_price_change_between_update_and_complete_is_shown_before_anything_is_charged()
    {
        using var acp = Gw.Acp("2026-04-17");
        var s = await acp.CreateAsync(AcpBodies.Create("2026-04-17", AcpBodies.Buyer(), AcpBodies.Address(), ("KBA-BASIC", 1)));
        s.Total.Should().Be(2999);
        var vt = (await acp.DelegateAsync(AcpBodies.Delegate(s.Id, 5000))).Id;
        await isolated.Staff.SetPriceAsync("KBA-BASIC", 34.99m);
        try
        {
            var changed = await acp.CompleteAsync(s.Id, AcpBodies.Pay("2026-04-17", vt));
            changed.Status.Should().Be(200);
            changed.StatusText.Should().Be("ready_for_payment");
            changed.Total.Should().Be(3499, "the session shows Saleor's new price");
            changed.Messages.Should().Contain(m => m.GetProperty("type").GetString() == "warning" && m.GetProperty("code").GetString() == "price_change");
            await using (var db = Gw.Db()) (await db.TestPspCharges.CountAsync(c => c.CheckoutSessionId == s.Id)).Should().Be(0, "nothing charged at a price the agent never saw");

            var paid = await acp.CompleteAsync(s.Id, AcpBodies.Pay("2026-04-17", vt));
            paid.StatusText.Should().Be("completed", "the new total was shown; now it is charged");
            await using var db2 = Gw.Db();
            (await db2.TestPspCharges.SingleAsync(c => c.CheckoutSessionId == s.Id)).Amount.Should().Be(3499);
        }
        finally
        {
            await isolated.Staff.SetPriceAsync("KBA-BASIC", 29.99m);
        }
    }

    [Fact]
    public async Task When_Saleor_fails_after_the_charge_a_retry_places_the_order_without_charging_again()
    {
        using var acp = Gw.Acp("2026-04-17");
        var s = await acp.CreateAsync(AcpBodies.Create("2026-04-17", AcpBodies.Buyer(), AcpBodies.Address(), ("CREDITS-500", 1)));
        var vt = (await acp.DelegateAsync(AcpBodies.Delegate(s.Id, 4000))).Id;
        await Saleor.GraphQLFaultAsync(status: 503, count: 10, operationName: "CheckoutComplete");
        var failed = await acp.CompleteAsync(s.Id, AcpBodies.Pay("2026-04-17", vt));
        await Saleor.ClearFaultsAsync();
        failed.Status.Should().Be(503, failed.Text);
        await using (var db = Gw.Db())
        {
            var attempt = await db.PaymentAttempts.SingleAsync(a => a.SessionId == s.Id);
            attempt.Status.Should().Be(AttemptStatus.Succeeded, "charged before Saleor failed");
            attempt.SaleorTransactionId.Should().NotBeNull("and recorded on the checkout");
        }
        (await Gw.SaleorTransactionsAsync(s.Id)).Should().Be(1);

        var retried = await acp.CompleteAsync(s.Id, AcpBodies.Pay("2026-04-17", vt));
        retried.StatusText.Should().Be("completed", retried.Text);
        await using var db2 = Gw.Db();
        (await db2.TestPspCharges.CountAsync(c => c.CheckoutSessionId == s.Id)).Should().Be(1, "no double charge");
        var saleor = Cmp.Saleor.Client.SaleorClientFactory.Create(Saleor.ApiUrl, Gw.Settings["Saleor:AppToken"]);
        var order = (await saleor.ExecuteAsync<JsonElement>("BuyerOrder", new { id = retried.Body.GetProperty("order").GetProperty("id").GetString() })).Value.GetProperty("order");
        order.GetProperty("chargeStatus").GetString().Should().Be("FULL", "one transaction for the total, not two");
    }

    [Fact]
    public async Task A_transaction_Saleor_recorded_after_our_timeout_is_found_on_retry_not_recorded_twice()
    {
        using var acp = Gw.Acp("2026-04-17");
        var s = await acp.CreateAsync(AcpBodies.Create("2026-04-17", AcpBodies.Buyer(), AcpBodies.Address(), ("CREDITS-100", 1)));
        var vt = (await acp.DelegateAsync(AcpBodies.Delegate(s.Id, 1000))).Id;
        // transactionCreate is not idempotent: Saleor records it after we gave up waiting.
        await Saleor.GraphQLFaultAsync(delayMs: 1500, count: 1, operationName: "TransactionCreate");
        var timedOut = await acp.CompleteAsync(s.Id, AcpBodies.Pay("2026-04-17", vt));
        timedOut.Status.Should().Be(503, timedOut.Text);
        await Poller.UntilAsync(async () => await Gw.SaleorTransactionsAsync(s.Id) == 1, "Saleor to record the late transaction");

        var retried = await acp.CompleteAsync(s.Id, AcpBodies.Pay("2026-04-17", vt));
        retried.StatusText.Should().Be("completed", retried.Text);
        var saleor = Cmp.Saleor.Client.SaleorClientFactory.Create(Saleor.ApiUrl, Gw.Settings["Saleor:AppToken"]);
        var order = (await saleor.ExecuteAsync<JsonElement>("BuyerOrder", new { id = retried.Body.GetProperty("order").GetProperty("id").GetString() })).Value.GetProperty("order");
        order.GetProperty("chargeStatus").GetString().Should().Be("FULL", "the late transaction was adopted, not doubled (OVERCHARGED)");
        await using var db = Gw.Db();
        (await db.TestPspCharges.CountAsync(c => c.CheckoutSessionId == s.Id)).Should().Be(1);
    }

    [Fact]
    public async Task When_Saleor_refuses_the_order_after_the_charge_the_money_is_given_back()
    {
        await isolated.Staff.SetStockAsync("CMP-HOODIE", 50);
        using var acp = Gw.Acp("2026-04-17");
        var s = await acp.CreateAsync(AcpBodies.Create("2026-04-17", AcpBodies.Buyer(), AcpBodies.Address(), ("CMP-HOODIE", 1)));
        var vt = (await acp.DelegateAsync(AcpBodies.Delegate(s.Id, 100_000))).Id;
        // Recording the charge is slow; meanwhile the last hoodies sell.
        await Saleor.GraphQLFaultAsync(delayMs: 800, count: 1, operationName: "TransactionCreate");   // under the 1 s attempt timeout
        var completing = acp.CompleteAsync(s.Id, AcpBodies.Pay("2026-04-17", vt));
        await Poller.UntilAsync(async () =>
        {
            await using var db = Gw.Db();
            return await db.PaymentAttempts.AnyAsync(a => a.SessionId == s.Id && a.Status == AttemptStatus.Succeeded);
        }, "the charge");
        await isolated.Staff.SetStockAsync("CMP-HOODIE", 0);
        try
        {
            var r = await completing;
            r.Status.Should().Be(200, r.Text);
            r.Body.TryGetProperty("order", out _).Should().BeFalse("no order");
            r.Message("payment_declined").GetProperty("content").GetString().Should().Contain("refunded");
            await using var db = Gw.Db();
            (await db.TestPspCharges.SingleAsync(c => c.CheckoutSessionId == s.Id)).Status.Should().Be(TestChargeStatus.Refunded);
            (await db.PaymentAttempts.SingleAsync(a => a.SessionId == s.Id)).Status.Should().Be(AttemptStatus.Refunded);
        }
        finally
        {
            await isolated.Staff.SetStockAsync("CMP-HOODIE", 50);
        }
    }
}
