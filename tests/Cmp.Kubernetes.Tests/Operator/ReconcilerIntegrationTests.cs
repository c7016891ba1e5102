using Cmp.Kubernetes.Client;
using Cmp.Kubernetes.Model;
using Cmp.Kubernetes.Operator;
using Cmp.Kubernetes.Resources;
using Cmp.Kubernetes.Tests.Operator.Example;
using Cmp.Simulators.KubeApi;
using Cmp.Simulators.KubeApi.Http;
using Cmp.Testing;

namespace Cmp.Kubernetes.Tests.Operator;

/// <summary>The example reconciler, hosted like the control plane hosts it, against the fake API server: every
/// mechanic of the runtime, observed from outside through the API.</summary>
public sealed class ReconcilerIntegrationTests : IAsyncLifetime
{
    KubeApiServer _api = null!;
    KubeClient _kubectl = null!;
    readonly FakeCatalog _catalog = new();
    OperatorReplica? _operator;

    public async ValueTask InitializeAsync()
    {
        _api = await KubeFake.StartAsync();
        _kubectl = KubeFake.Client(_api, "cmp");
    }

    public async ValueTask DisposeAsync()
    {
        if (_operator is not null) await _operator.DisposeAsync();
        await _api.DisposeAsync();
    }

    async Task<OperatorReplica> Start(Dictionary<string, string?>? settings = null) =>
        _operator = await OperatorReplica.StartAsync(_api, "only", _catalog, settings);

    Task<AgentOffering> Until(string name, Func<AgentOffering, bool> condition, string what) =>
        Poller.ValueAsync(async () =>
        {
            var got = await _kubectl.GetAsync<AgentOffering>(name);
            return got.IsSuccess && condition(got.Value) ? got.Value : null;
        }, what, TimeSpan.FromSeconds(20));

    static bool ReadyAt(AgentOffering o, long generation) =>
        o.Status?.ObservedGeneration == generation && o.Status.Conditions.IsTrue(CmpConditions.Ready);

    [Fact]
    public async Task A_new_offering_converges_finalizer_catalog_child_status_and_event()
    {
        await Start();
        (await _kubectl.CreateAsync(KubeFake.Offering("csa-pro"))).Ok();

        var ready = await Until("csa-pro", o => ReadyAt(o, 1), "csa-pro to be Ready");

        ready.Metadata.Finalizers.Should().Contain(ExampleOfferingReconciler.Finalizer);
        ready.Status!.Phase.Should().Be("Ready");
        ready.Status.Conditions.Get(CmpConditions.Ready)!.Reason.Should().Be(ExampleOfferingReconciler.ReasonSynced);
        _catalog.Products["CSA-PRO"].PriceMinor.Should().Be(4999);
        var child = (await _kubectl.GetAsync<ConfigMap>("csa-pro-catalog")).Ok();
        child.Metadata.OwnerReferences.Should().ContainSingle(r => r.Uid == ready.Metadata.Uid && r.Controller == true);
        var events = (await _kubectl.ListAsync<KubeEvent>("cmp")).Ok().Items;
        events.Should().Contain(e => e.Regarding!.Name == "csa-pro" && e.Reason == ExampleOfferingReconciler.ReasonSynced && e.ReportingController == "cmp-operator");
    }

    [Fact]
    public async Task A_spec_change_is_reconciled_and_observed_generation_follows()
    {
        await Start();
        (await _kubectl.CreateAsync(KubeFake.Offering("kba"))).Ok();
        var v1 = await Until("kba", o => ReadyAt(o, 1), "generation 1 ready");

        v1.Spec.Price.Amount = "59.99";
        (await _kubectl.ReplaceAsync(v1)).Ok();

        await Until("kba", o => ReadyAt(o, 2), "generation 2 ready");
        _catalog.Products["CSA-PRO"].PriceMinor.Should().Be(5999);
        (await _kubectl.GetAsync<ConfigMap>("kba-catalog")).Ok().Data!["priceMinor"].Should().Be("5999");
    }

    [Fact]
    public async Task Status_writes_do_not_retrigger_and_resyncs_with_nothing_new_write_nothing()
    {
        await Start(new() { ["Operator:ResyncPeriod"] = "00:00:00.300" });
        (await _kubectl.CreateAsync(KubeFake.Offering("quiet"))).Ok();
        await Until("quiet", o => ReadyAt(o, 1), "ready");
        var reconcilesWhenReady = _operator!.Reconciles;

        await Poller.UntilAsync(() => Task.FromResult(_operator.Reconciles >= reconcilesWhenReady + 4), "four resyncs");

        // A reconcile working from a cache that has not seen the status write yet may try again and get a 409 (then
        // re-read and find nothing to change): only successful writes count.
        _api.Requests.All.Count(r => r is { Method: "PUT", Status: 200 } && r.PathAndQuery.EndsWith("/agentofferings/quiet/status", StringComparison.Ordinal))
            .Should().Be(1, "the status was written once; later reconciles found it already right");
        _catalog.Writes.Should().BeGreaterThanOrEqualTo(5, "a resync still converges the external system (drift repair)");
    }

    [Fact]
    public async Task Transient_failures_are_retried_with_backoff_and_reported_in_the_status()
    {
        _catalog.FailNext(3);
        await Start();
        (await _kubectl.CreateAsync(KubeFake.Offering("flaky"))).Ok();

        await Until("flaky", o => o.Status?.Conditions.Get(CmpConditions.Ready)?.Reason == ExampleOfferingReconciler.ReasonUnavailable, "the failure to show");
        await Until("flaky", o => ReadyAt(o, 1), "recovery");
        _operator!.Reconciles.Should().BeGreaterThanOrEqualTo(4);
    }

    [Fact]
    public async Task A_permanent_failure_waits_for_a_spec_change_instead_of_retrying()
    {
        await Start();
        var bad = KubeFake.Offering("bad-template");
        bad.Spec.FlowTemplate = new FlowTemplateRef { Name = "does-not-exist" };
        (await _kubectl.CreateAsync(bad)).Ok();

        var failed = await Until("bad-template", o => o.Status?.Phase == "Failed", "the failure to show");
        var reconciles = _operator!.Reconciles;
        failed.Spec.FlowTemplate = new FlowTemplateRef { Name = "knowledge-base" };
        (await _kubectl.ReplaceAsync(failed)).Ok();

        await Until("bad-template", o => ReadyAt(o, 2), "the fixed spec to converge");
        reconciles.Should().BeLessThanOrEqualTo(3, "no retry loop ran while the spec was wrong");
        (await _kubectl.ListAsync<KubeEvent>("cmp")).Ok().Items.Should().Contain(e => e.Type == "Warning" && e.Reason == ExampleOfferingReconciler.ReasonUnknownTemplate);
    }

    [Fact]
    public async Task A_status_conflict_is_resolved_by_reading_again_and_retrying()
    {
        await Start();
        _api.Faults.Add(new Fault("PUT", "/agentofferings/contended/status", 409, 1));

        (await _kubectl.CreateAsync(KubeFake.Offering("contended"))).Ok();

        await Until("contended", o => ReadyAt(o, 1), "ready despite the conflict");
        var requests = _api.Requests.All.Where(r => r.UserAgent == "only" && r.PathAndQuery.Contains("/agentofferings/contended", StringComparison.Ordinal)).ToList();
        var conflict = requests.FindIndex(r => r is { Method: "PUT", Status: 409 });
        conflict.Should().BeGreaterThanOrEqualTo(0);
        requests.Skip(conflict + 1).Select(r => r.Method).Should().StartWith(["GET", "PUT"], "re-read, then write again");
    }

    [Fact]
    public async Task A_deleted_owned_child_is_recreated()
    {
        await Start();
        (await _kubectl.CreateAsync(KubeFake.Offering("owner"))).Ok();
        await Until("owner", o => ReadyAt(o, 1), "ready");
        var original = (await _kubectl.GetAsync<ConfigMap>("owner-catalog")).Ok();

        (await _kubectl.DeleteAsync<ConfigMap>("owner-catalog")).Ok();

        var recreated = await Poller.ValueAsync(async () =>
        {
            var got = await _kubectl.GetAsync<ConfigMap>("owner-catalog");
            return got.IsSuccess && got.Value.Metadata.Uid != original.Metadata.Uid ? got.Value : null;
        }, "the child to come back");
        recreated.Metadata.OwnerReferences.Should().ContainSingle();
    }

    [Fact]
    public async Task Deletion_runs_the_finalizer_then_the_object_and_its_child_go()
    {
        await Start();
        (await _kubectl.CreateAsync(KubeFake.Offering("doomed", "KBA-BASIC"))).Ok();
        await Until("doomed", o => ReadyAt(o, 1), "ready");

        (await _kubectl.DeleteAsync<AgentOffering>("doomed")).Ok();

        await Poller.UntilAsync(async () => (await _kubectl.GetAsync<AgentOffering>("doomed")).Error?.Code == KubeErrors.NotFound, "the offering to be gone");
        _catalog.Products.Should().NotContainKey("KBA-BASIC");
        (await _kubectl.GetAsync<ConfigMap>("doomed-catalog")).Fails(KubeErrors.NotFound);
    }

    [Fact]
    public async Task After_the_watch_history_is_compacted_the_informer_relists_and_misses_nothing()
    {
        // No leader election here: the outage must end the watch, not the leadership term (which would start a fresh informer).
        var replica = await Start(new() { ["Operator:LeaderElection:Enabled"] = "false" });
        (await _kubectl.CreateAsync(KubeFake.Offering("before", "CSA-BASIC"))).Ok();
        await Until("before", o => ReadyAt(o, 1), "ready");
        var source = (KubeResourceSource<AgentOffering>)((Controller<AgentOffering, ExampleOfferingReconciler>)replica.Status.Controllers[0]).Source;

        replica.Partition(true);
        _api.Store.CloseWatches();   // the API server drops the connections; reconnecting fails while partitioned
        await Poller.UntilAsync(() => Task.FromResult(_api.Store.OpenWatches == 0), "the operator's watches to be gone");
        (await _kubectl.CreateAsync(KubeFake.Offering("during", "KBA-PRO"))).Ok();
        (await _kubectl.DeleteAsync<AgentOffering>("before")).Ok();
        _api.Store.Compact();
        replica.Partition(false);

        await Until("during", o => ReadyAt(o, 1), "the object created during the outage to be reconciled");
        await Poller.UntilAsync(async () => (await _kubectl.GetAsync<AgentOffering>("before")).Error?.Code == KubeErrors.NotFound, "the deletion to be finalized");
        source.Informer.Lists.Should().BeGreaterThanOrEqualTo(2, "a 410 Gone forces a fresh list");
    }

    [Fact]
    public async Task Graceful_shutdown_lets_an_in_flight_reconcile_finish_and_releases_the_lease()
    {
        var replica = await Start();
        _catalog.Gate = new TaskCompletionSource();
        (await _kubectl.CreateAsync(KubeFake.Offering("inflight", "CREDITS-100"))).Ok();
        await Poller.UntilAsync(() => Task.FromResult(replica.Reconciles >= 1), "the reconcile to start");

        var stopping = replica.StopAsync();
        _catalog.Gate.SetResult();
        await stopping;

        _catalog.Products.Should().ContainKey("CREDITS-100", "the reconcile in flight completed its write");
        var lease = (await _kubectl.GetAsync<Lease>("cmp-operator")).Ok();
        lease.Spec.HolderIdentity.Should().BeNullOrEmpty("a graceful stop hands the lease back");
    }
}
