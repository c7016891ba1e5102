using Cmp.Testing;
using Cmp.Testing.Platform;
using Cmp.Testing.Postgres;

namespace Cmp.Provisioner.Tests.Features.ProvisionOrder;

/// <summary>
/// Flow 1 end to end on the real platform: a buyer pays in Saleor (simulator), Saleor delivers signed ORDER_FULLY_PAID
/// webhooks to the provisioner, and the buyer ends up owning Ready instances and credits — exactly once, whatever
/// Saleor duplicates, repeats or reorders.
/// </summary>
public sealed class PurchaseToProvisionTests(PostgresFixture pg) : IAsyncLifetime
{
    PlatformStack _stack = null!;
    ProvisioningProbe _probe = null!;
    const string Buyer = "buyer@example.com";

    public async ValueTask InitializeAsync()
    {
        _stack = await PlatformStack.StartAsync(pg);
        _probe = new ProvisioningProbe(_stack);
    }

    public ValueTask DisposeAsync() => _stack.DisposeAsync();

    [Fact]
    public async Task A_paid_order_becomes_a_ready_instance_and_credits_and_saleor_shows_it()
    {
        var purchase = await _stack.Shopper.PurchaseAsync(Buyer, ("CSA-PRO", 1), ("CREDITS-500", 2));

        var tenant = await _probe.WaitForAsync(Buyer, readyInstances: 1, balance: 1000);

        var instance = (await _probe.InstancesAsync(tenant)).Single();
        instance.GetProperty("offering_sku").GetString().Should().Be("CSA-PRO");
        instance.GetProperty("source").GetProperty("order_id").GetString().Should().Be(purchase.OrderId);
        await Poller.UntilAsync(async () => (await _probe.SaleorOrderAsync(purchase.OrderId)).PrivateMetadataMap.GetValueOrDefault("cmp.provisioning") == "done",
            "the order to be tagged in Saleor");
        var order = await _probe.SaleorOrderAsync(purchase.OrderId);
        order.PrivateMetadataMap["cmp.instance_ids"].Should().Be(instance.GetProperty("id").GetString());
        order.PrivateMetadataMap["cmp.credits_granted"].Should().Be("1000");
        order.PrivateMetadataMap["cmp.tenant_id"].Should().Be(tenant.ToString());
        order.Lines.Should().OnlyContain(l => l.QuantityFulfilled == l.Quantity);
        order.Fulfillments.Should().ContainSingle();
    }

    [Fact]
    public async Task Five_identical_deliveries_at_once_provision_once()
    {
        await _stack.Saleor.DeliveryFaultAsync(new { kind = "duplicate", copies = 4, @event = "order_fully_paid" });

        await _stack.Shopper.PurchaseAsync(Buyer, ("CSA-PRO", 1), ("CREDITS-500", 2));

        var tenant = await _probe.WaitForAsync(Buyer, readyInstances: 1, balance: 1000);
        await _probe.SettledAsync(1);
        var inbox = await _probe.InboxAsync();
        inbox.Where(m => m.GetProperty("event_type").GetString() == "order_fully_paid").Should().ContainSingle()
            .Which.GetProperty("delivery_count").GetInt32().Should().Be(5);
        (await _probe.InstancesAsync(tenant)).Should().HaveCount(1);
        (await _probe.BalanceAsync(tenant)).Should().Be(1000);
    }

    [Fact]
    public async Task Five_identical_deliveries_one_after_another_provision_once()
    {
        await _stack.Saleor.DeliveryFaultAsync(new { kind = "duplicate", copies = 4, @event = "order_fully_paid" });
        await _stack.Saleor.DeliveryFaultAsync(new { kind = "hold", @event = "order_fully_paid" });

        await _stack.Shopper.PurchaseAsync(Buyer, ("CSA-PRO", 1), ("CREDITS-500", 2));
        await _stack.Saleor.ReleaseHeldAsync("fifo");

        var tenant = await _probe.WaitForAsync(Buyer, readyInstances: 1, balance: 1000);
        await Poller.UntilAsync(async () => (await _stack.Saleor.DeliveriesAsync("order_fully_paid")).Count(d => d.GetProperty("state").GetString() == "success") == 5,
            "all five deliveries to be acknowledged");
        (await _probe.InstancesAsync(tenant)).Should().HaveCount(1);
        (await _probe.BalanceAsync(tenant)).Should().Be(1000);
    }

    [Fact]
    public async Task A_second_fully_paid_event_for_the_same_order_provisions_nothing_more()
    {
        var purchase = await _stack.Shopper.PurchaseAsync(Buyer, ("CSA-PRO", 1), ("CREDITS-500", 2));
        var tenant = await _probe.WaitForAsync(Buyer, readyInstances: 1, balance: 1000);

        // A further charge on a fully paid order makes Saleor fire ORDER_FULLY_PAID again (saleor.md §2.4).
        await _stack.Shopper.PayAsync(purchase.OrderId, 5m);

        await Poller.UntilAsync(async () => (await _probe.InboxAsync()).Count(m => m.GetProperty("event_type").GetString() == "order_fully_paid") == 2,
            "the second ORDER_FULLY_PAID to arrive");
        await _probe.SettledAsync(2);
        (await _probe.InstancesAsync(tenant)).Should().HaveCount(1);
        (await _probe.BalanceAsync(tenant)).Should().Be(1000);
        (await _probe.SaleorOrderAsync(purchase.OrderId)).Fulfillments.Should().ContainSingle();
    }

    [Fact]
    public async Task A_line_that_is_not_an_offering_is_skipped_with_the_reason_and_the_rest_is_provisioned()
    {
        var purchase = await _stack.Shopper.PurchaseAsync(Buyer, ("CMP-MUG", 1), ("CREDITS-100", 1));

        await _probe.WaitForAsync(Buyer, readyInstances: 0, balance: 100);
        await _probe.SettledAsync(1);
        var message = (await _probe.InboxAsync()).Single();
        message.GetProperty("status").GetString().Should().Be("done");
        message.GetProperty("attempts").GetInt32().Should().Be(1);
        message.GetProperty("outcome").GetString().Should().Contain("unknown SKU 'CMP-MUG'");
        var order = await _probe.SaleorOrderAsync(purchase.OrderId);
        order.PrivateMetadataMap["cmp.skipped"].Should().Contain("CMP-MUG");
        order.Lines.Single(l => l.ProductSku == "CMP-MUG").QuantityFulfilled.Should().Be(0, "physical goods are shipped, not fulfilled by CMP");
    }

    [Fact]
    public async Task A_refund_suspends_the_instances_and_claws_back_unspent_credits()
    {
        await _stack.Shopper.PurchaseAsync("other@example.com", ("CSA-PRO", 1), ("CREDITS-100", 1));
        var purchase = await _stack.Shopper.PurchaseAsync(Buyer, ("CSA-PRO", 1), ("CREDITS-500", 2));
        var tenant = await _probe.WaitForAsync(Buyer, readyInstances: 1, balance: 1000);
        var otherTenant = await _probe.WaitForAsync("other@example.com", readyInstances: 1, balance: 100);

        await _stack.Shopper.RefundAsync(purchase.OrderId, purchase.TransactionId, purchase.Total,
            Cmp.Saleor.Client.SaleorClientFactory.Create(_stack.Saleor.ApiUrl, _stack.SaleorAppToken, new Cmp.Hosting.Http.HttpResilienceOptions()));

        await Poller.UntilAsync(async () => (await _probe.InstancesAsync(tenant)).All(i => i.GetProperty("status").GetString() == "Suspended")
                                            && await _probe.BalanceAsync(tenant) == 0, "the instance to be suspended and credits clawed back");
        var instance = (await _probe.InstancesAsync(tenant)).Single();
        instance.GetProperty("suspended_by").GetString().Should().Be("refund");
        (await _probe.InstancesAsync(otherTenant)).Should().OnlyContain(i => i.GetProperty("status").GetString() == "Ready", "another order is untouched");
        (await _probe.BalanceAsync(otherTenant)).Should().Be(100);
        await Poller.UntilAsync(async () => (await _probe.SaleorOrderAsync(purchase.OrderId)).PrivateMetadataMap["cmp.provisioning"] == "revoked",
            "the order to be tagged revoked");
    }

    [Fact]
    public async Task A_refund_delivered_before_the_paid_event_means_nothing_is_provisioned()
    {
        await _stack.Saleor.DeliveryFaultAsync(new { kind = "hold", @event = "order_fully_paid" });
        var purchase = await _stack.Shopper.PurchaseAsync(Buyer, ("CSA-PRO", 1), ("CREDITS-500", 1));
        await _stack.Shopper.RefundAsync(purchase.OrderId, purchase.TransactionId, purchase.Total,
            Cmp.Saleor.Client.SaleorClientFactory.Create(_stack.Saleor.ApiUrl, _stack.SaleorAppToken, new Cmp.Hosting.Http.HttpResilienceOptions()));
        await Poller.UntilAsync(async () => (await _probe.InboxAsync()).Any(m => m.GetProperty("event_type").GetString() != "order_fully_paid"
                                                                                 && m.GetProperty("status").GetString() == "done"), "the refund to be processed");

        await _stack.Saleor.ReleaseHeldAsync("fifo");

        await Poller.UntilAsync(async () => (await _probe.InboxAsync()).Any(m => m.GetProperty("event_type").GetString() == "order_fully_paid"
                                                                                 && m.GetProperty("status").GetString() == "done"), "the late paid event to be processed");
        var paid = (await _probe.InboxAsync()).Single(m => m.GetProperty("event_type").GetString() == "order_fully_paid");
        paid.GetProperty("outcome").GetString().Should().Contain("not provisioned");
        var tenant = await _probe.TenantAsync(Buyer);
        if (tenant is { } t)
        {
            (await _probe.InstancesAsync(t)).Should().BeEmpty();
            (await _probe.BalanceAsync(t)).Should().Be(0);
        }
    }
}
