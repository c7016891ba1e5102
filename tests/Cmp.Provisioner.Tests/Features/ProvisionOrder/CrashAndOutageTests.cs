using Cmp.Testing;
using Cmp.Testing.Platform;
using Cmp.Testing.Postgres;

namespace Cmp.Provisioner.Tests.Features.ProvisionOrder;

/// <summary>
/// The provisioner is killed between steps, or its dependencies fail for a while, and the order still ends provisioned
/// exactly once. The provisioner runs as its own process here, so "killed" means killed.
/// </summary>
public sealed class CrashAndOutageTests(PostgresFixture pg) : IAsyncLifetime
{
    readonly ControlPlaneFaults _faults = new();
    PlatformStack _stack = null!;
    ProvisioningProbe _probe = null!;
    const string Buyer = "buyer@example.com";

    public async ValueTask InitializeAsync()
    {
        _stack = await PlatformStack.StartAsync(pg, new PlatformOptions { ProvisionerAsProcess = true, ConfigureControlPlane = _faults.Install });
        _probe = new ProvisioningProbe(_stack);
    }

    public ValueTask DisposeAsync() => _stack.DisposeAsync();

    async Task ShouldBeProvisionedOnce(string orderId)
    {
        var tenant = await _probe.WaitForAsync(Buyer, readyInstances: 1, balance: 1000);
        await Poller.UntilAsync(async () => (await _probe.SaleorOrderAsync(orderId)).PrivateMetadataMap.GetValueOrDefault("cmp.provisioning") == "done",
            "the order to be tagged in Saleor");
        var order = await _probe.SaleorOrderAsync(orderId);
        order.Fulfillments.Should().ContainSingle("fulfilment must not be repeated");
        order.Lines.Should().OnlyContain(l => l.QuantityFulfilled == l.Quantity);
        (await _probe.InstancesAsync(tenant)).Should().HaveCount(1);
        (await _probe.BalanceAsync(tenant)).Should().Be(1000);
        var credits = await _probe.CreditsAsync(tenant);
        credits.GetProperty("reserved").GetInt64().Should().Be(0);
    }

    [Fact]
    public async Task Killed_after_the_delivery_was_stored_it_finishes_after_restart()
    {
        _faults.Unavailable = true;   // the inbox worker cannot get past the first step
        var purchase = await _stack.Shopper.PurchaseAsync(Buyer, ("CSA-PRO", 1), ("CREDITS-500", 2));
        await Poller.UntilAsync(async () => (await _probe.InboxAsync()).Any(m => m.GetProperty("attempts").GetInt32() >= 1), "a failed first attempt");

        _stack.KillProvisioner();
        _faults.Unavailable = false;
        await _stack.StartProvisionerAsync();

        await ShouldBeProvisionedOnce(purchase.OrderId);
    }

    [Fact]
    public async Task Killed_after_creating_the_instance_and_before_granting_credits_it_finishes_once()
    {
        _faults.HoldGrants();
        var purchase = await _stack.Shopper.PurchaseAsync(Buyer, ("CSA-PRO", 1), ("CREDITS-500", 2));
        await Poller.UntilAsync(() => Task.FromResult(_faults.HeldGrants > 0), "the credit grant to be in flight");
        var tenant = (await _probe.TenantAsync(Buyer))!.Value;
        (await _probe.InstancesAsync(tenant)).Should().HaveCount(1, "the instance was created before the crash");

        _stack.KillProvisioner();
        _faults.ReleaseGrants();
        await _stack.StartProvisionerAsync();

        await ShouldBeProvisionedOnce(purchase.OrderId);
    }

    [Fact]
    public async Task Killed_before_writing_back_to_saleor_it_finishes_once()
    {
        await _stack.Saleor.GraphQLFaultAsync(delayMs: 60_000, count: 1, operationName: "UpdatePrivateMetadata");
        var purchase = await _stack.Shopper.PurchaseAsync(Buyer, ("CSA-PRO", 1), ("CREDITS-500", 2));
        await _probe.WaitForAsync(Buyer, readyInstances: 1, balance: 1000);   // everything but the write-back is done

        _stack.KillProvisioner();
        await _stack.Saleor.ClearFaultsAsync();
        await _stack.StartProvisionerAsync();

        await ShouldBeProvisionedOnce(purchase.OrderId);
    }

    [Fact]
    public async Task A_control_plane_outage_is_waited_out()
    {
        _faults.Unavailable = true;
        var purchase = await _stack.Shopper.PurchaseAsync(Buyer, ("CSA-PRO", 1), ("CREDITS-500", 2));
        await Poller.UntilAsync(async () => (await _probe.InboxAsync()).Any(m => m.GetProperty("attempts").GetInt32() >= 2), "retries during the outage");
        (await _probe.InboxAsync()).Single().GetProperty("last_error").GetString().Should().NotBeNullOrEmpty();

        _faults.Unavailable = false;

        await ShouldBeProvisionedOnce(purchase.OrderId);
    }

    [Fact]
    public async Task A_saleor_outage_is_waited_out()
    {
        await _stack.Saleor.GraphQLFaultAsync(status: 503, count: 6, operationName: "Order");
        var purchase = await _stack.Shopper.PurchaseAsync(Buyer, ("CSA-PRO", 1), ("CREDITS-500", 2));

        await ShouldBeProvisionedOnce(purchase.OrderId);
        (await _probe.InboxAsync()).Single().GetProperty("attempts").GetInt32().Should().BeGreaterThan(1);
    }
}
