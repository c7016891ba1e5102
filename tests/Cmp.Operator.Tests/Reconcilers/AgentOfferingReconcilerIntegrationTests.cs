using System.Text.Json;
using Cmp.ControlPlane.Operator;
using Cmp.Kubernetes.Model;
using Cmp.Kubernetes.Operator;
using Cmp.Kubernetes.Resources;
using Cmp.Operator.Tests.Support;
using Cmp.Simulators.KubeApi.Http;
using Cmp.Testing;
using Cmp.Testing.Postgres;

namespace Cmp.Operator.Tests.Reconcilers;

/// <summary>
/// Offerings as code, end to end: an AgentOffering edited with kubectl becomes the control plane's offering (managed
/// by "kubernetes") and a Saleor product, variant, price and channel listing; its status says so through conditions.
/// </summary>
public sealed class AgentOfferingReconcilerIntegrationTests(PostgresFixture pg, SaleorFixture saleor) : IAsyncLifetime
{
    readonly OperatorWorld _world = new(pg, saleor);
    ControlPlaneReplica _cp = null!;
    HttpClient _admin = null!;

    public async ValueTask InitializeAsync()
    {
        await _world.InitializeAsync();
        _cp = ControlPlaneReplica.Start(_world, "cp-0");
        _admin = await _world.AdminAsync(_cp);
        await Poller.UntilAsync(() => Task.FromResult(_cp.Status.IsLeader), "the only replica to lead");
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _cp.DisposeAsync();
        await _world.DisposeAsync();
    }

    static bool ReadyAt(AgentOffering o, long generation, string reason = OfferingReasons.Ready) =>
        o.Status?.ObservedGeneration == generation && o.Status.Conditions.Get(CmpConditions.Ready) is { Status: ConditionStatus.True } c && c.Reason == reason;

    [Fact]
    public async Task Creating_an_offering_stores_it_and_lists_it_in_saleor()
    {
        (await _world.Kubectl.CreateAsync(OperatorWorld.Offering("op-create", "OP-CREATE", "49.99"))).IsSuccess.Should().BeTrue();

        var o = await _world.UntilAsync<AgentOffering>("op-create", x => ReadyAt(x, 1), "the offering to be Ready");

        o.Status!.Phase.Should().Be(Phases.Ready);
        o.Status.Conditions.Get(ConditionTypes.Accepted).Should().Match<Condition>(c => c.Status == ConditionStatus.True && c.Reason == OfferingReasons.Stored && c.ObservedGeneration == 1);
        o.Status.Conditions.Get(ConditionTypes.SaleorSynced).Should().Match<Condition>(c => c.Status == ConditionStatus.True && c.Reason == OfferingReasons.Synced);
        o.Metadata.Finalizers.Should().Contain(Finalizers.Offering);
        var stored = (await OperatorWorld.OfferingInDbAsync(_admin, "OP-CREATE"))!.Value;
        stored.GetProperty("price_minor").GetInt64().Should().Be(4999);
        stored.GetProperty("managed_by").GetString().Should().Be("kubernetes");
        stored.GetProperty("flow_template").GetString().Should().Be("customer-support-agent");
        var product = (await _world.ProductAsync("op-create"))!.Value;
        product.GetProperty("name").GetString().Should().Be("Agent OP-CREATE");
        Price(product).Should().Be(49.99m);
        Listing(product).GetProperty("isPublished").GetBoolean().Should().BeTrue();
        Listing(product).GetProperty("isAvailableForPurchase").GetBoolean().Should().BeTrue();
        o.Status.SaleorProductId.Should().Be(product.GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_price_change_reaches_the_database_and_saleor_and_is_observed()
    {
        (await _world.Kubectl.CreateAsync(OperatorWorld.Offering("op-update", "OP-UPDATE", "19.99"))).IsSuccess.Should().BeTrue();
        var o = await _world.UntilAsync<AgentOffering>("op-update", x => ReadyAt(x, 1), "the first generation to be Ready");

        o.Spec.Price.Amount = "24.50";
        o.Spec.DisplayName = "Agent OP-UPDATE (renamed)";
        (await _world.Kubectl.ReplaceAsync(o)).IsSuccess.Should().BeTrue();

        await _world.UntilAsync<AgentOffering>("op-update", x => ReadyAt(x, 2), "the second generation to be Ready");
        (await OperatorWorld.OfferingInDbAsync(_admin, "OP-UPDATE"))!.Value.GetProperty("price_minor").GetInt64().Should().Be(2450);
        var product = (await _world.ProductAsync("op-update"))!.Value;
        Price(product).Should().Be(24.50m);
        product.GetProperty("name").GetString().Should().Be("Agent OP-UPDATE (renamed)");
    }

    [Fact]
    public async Task Disabling_an_offering_unlists_it_without_deleting_it()
    {
        (await _world.Kubectl.CreateAsync(OperatorWorld.Offering("op-disable", "OP-DISABLE"))).IsSuccess.Should().BeTrue();
        var o = await _world.UntilAsync<AgentOffering>("op-disable", x => ReadyAt(x, 1), "Ready");

        o.Spec.Enabled = false;
        (await _world.Kubectl.ReplaceAsync(o)).IsSuccess.Should().BeTrue();

        var disabled = await _world.UntilAsync<AgentOffering>("op-disable", x => ReadyAt(x, 2, OfferingReasons.Disabled), "the disabled generation to be observed");
        disabled.Status!.Phase.Should().Be(Phases.Disabled);
        disabled.Status.Conditions.Get(ConditionTypes.SaleorSynced)!.Reason.Should().Be(OfferingReasons.Unlisted);
        (await OperatorWorld.OfferingInDbAsync(_admin, "OP-DISABLE"))!.Value.GetProperty("enabled").GetBoolean().Should().BeFalse();
        var product = (await _world.ProductAsync("op-disable"))!.Value;
        Listing(product).GetProperty("isPublished").GetBoolean().Should().BeFalse();
        Listing(product).GetProperty("isAvailableForPurchase").GetBoolean().Should().BeFalse();
    }

    [Fact]
    public async Task An_unknown_flow_template_is_reported_once_and_not_retried_until_the_spec_changes()
    {
        (await _world.Kubectl.CreateAsync(OperatorWorld.Offering("op-bad", "OP-BAD", template: "no-such-template"))).IsSuccess.Should().BeTrue();

        var bad = await _world.UntilAsync<AgentOffering>("op-bad", x => x.Status?.ObservedGeneration == 1 && x.Status.Phase == Phases.Failed, "the failure to be reported");
        var accepted = bad.Status!.Conditions.Get(ConditionTypes.Accepted)!;
        accepted.Status.Should().Be(ConditionStatus.False);
        accepted.Reason.Should().Be(OfferingReasons.InvalidSpec);
        accepted.Message.Should().Contain("no-such-template");
        bad.Status.Conditions.Get(CmpConditions.Ready)!.Status.Should().Be(ConditionStatus.False);
        (await OperatorWorld.OfferingInDbAsync(_admin, "OP-BAD")).Should().BeNull("nothing invalid is stored");

        // No crash loop: while the spec stays wrong, a few retry periods pass without another reconcile.
        var reconciles = _cp.Reconciles;
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        _cp.Reconciles.Should().BeLessThanOrEqualTo(reconciles + 1, "a spec error waits for the next change instead of retrying");
        (await _world.Kubectl.ListAsync<KubeEvent>(OperatorWorld.Namespace)).Value.Items
            .Where(e => e.Reason == OfferingReasons.InvalidSpec && e.Regarding?.Name == "op-bad").Should().ContainSingle();

        bad.Spec.FlowTemplate = new FlowTemplateRef { Name = "knowledge-base-agent" };
        (await _world.Kubectl.ReplaceAsync(bad)).IsSuccess.Should().BeTrue();
        await _world.UntilAsync<AgentOffering>("op-bad", x => ReadyAt(x, 2), "the fixed spec to converge");
        (await OperatorWorld.OfferingInDbAsync(_admin, "OP-BAD"))!.Value.GetProperty("flow_template").GetString().Should().Be("knowledge-base-agent");
    }

    [Fact]
    public async Task A_conflicting_status_write_is_read_again_and_retried()
    {
        _world.Api.Faults.Add(new Fault("PUT", "/agentofferings/op-conflict/status", 409, 1));

        (await _world.Kubectl.CreateAsync(OperatorWorld.Offering("op-conflict", "OP-CONFLICT"))).IsSuccess.Should().BeTrue();

        await _world.UntilAsync<AgentOffering>("op-conflict", x => ReadyAt(x, 1), "Ready despite the conflict");
        var requests = _world.Api.Requests.All.Where(r => r.UserAgent == "cp-0" && r.PathAndQuery.Contains("/agentofferings/op-conflict", StringComparison.Ordinal)).ToList();
        var conflict = requests.FindIndex(r => r is { Method: "PUT", Status: 409 });
        conflict.Should().BeGreaterThanOrEqualTo(0, "the fault was served");
        requests.Skip(conflict + 1).Select(r => r.Method).Should().StartWith(["GET", "PUT"], "the operator re-read the object, then wrote again");
    }

    [Fact]
    public async Task Deleting_an_offering_takes_it_off_sale_and_then_the_object_goes()
    {
        (await _world.Kubectl.CreateAsync(OperatorWorld.Offering("op-delete", "OP-DELETE"))).IsSuccess.Should().BeTrue();
        await _world.UntilAsync<AgentOffering>("op-delete", x => ReadyAt(x, 1), "Ready");

        (await _world.Kubectl.DeleteAsync<AgentOffering>("op-delete")).IsSuccess.Should().BeTrue();

        await _world.UntilGoneAsync<AgentOffering>("op-delete", "the finalizer to let the object go");
        (await OperatorWorld.OfferingInDbAsync(_admin, "OP-DELETE"))!.Value.GetProperty("enabled").GetBoolean().Should().BeFalse("kept for old orders, but off sale");
        Listing((await _world.ProductAsync("op-delete"))!.Value).GetProperty("isAvailableForPurchase").GetBoolean().Should().BeFalse();
    }

    static JsonElement Listing(JsonElement product) =>
        product.GetProperty("channelListings").EnumerateArray().Single(l => l.GetProperty("channel").GetProperty("slug").GetString() == "default-channel");

    static decimal Price(JsonElement product) =>
        product.GetProperty("variants")[0].GetProperty("channelListings")[0].GetProperty("price").GetProperty("amount").GetDecimal();
}
