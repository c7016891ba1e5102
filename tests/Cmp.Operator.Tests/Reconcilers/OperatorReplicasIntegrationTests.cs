using System.Diagnostics;
using Cmp.ControlPlane.Operator;
using Cmp.Kubernetes.Model;
using Cmp.Kubernetes.Resources;
using Cmp.Operator.Tests.Support;
using Cmp.Testing;
using Cmp.Testing.Postgres;

namespace Cmp.Operator.Tests.Reconcilers;

/// <summary>
/// The control plane runs several replicas; the Lease decides which one reconciles. Also: a watch whose history was
/// compacted away (410 Gone) makes the operator list again, and nothing created meanwhile is missed.
/// </summary>
public sealed class OperatorReplicasIntegrationTests(PostgresFixture pg, SaleorFixture saleor) : IAsyncLifetime
{
    static readonly TimeSpan RetryPeriod = TimeSpan.FromMilliseconds(250);
    readonly OperatorWorld _world = new(pg, saleor);
    readonly List<ControlPlaneReplica> _replicas = [];

    public ValueTask InitializeAsync() => _world.InitializeAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var r in _replicas) await r.DisposeAsync();
        await _world.DisposeAsync();
    }

    ControlPlaneReplica Start(string name, Dictionary<string, string?>? overrides = null)
    {
        var r = ControlPlaneReplica.Start(_world, name, overrides);
        _replicas.Add(r);
        return r;
    }

    async Task<AgentOffering> CreateReadyAsync(string name, string sku)
    {
        (await _world.Kubectl.CreateAsync(OperatorWorld.Offering(name, sku))).IsSuccess.Should().BeTrue();
        return await _world.UntilAsync<AgentOffering>(name, o => o.Status?.ObservedGeneration == 1 && o.Status.Phase == Phases.Ready, $"{name} to be Ready");
    }

    /// <summary>Who wrote to the operator's resources (user agents of mutating requests on cmp.dev objects).</summary>
    IEnumerable<string?> Writers() => _world.Api.Requests.All
        .Where(r => r.Method is "PUT" or "POST" or "PATCH" or "DELETE" && r.PathAndQuery.Contains("/apis/cmp.dev/", StringComparison.Ordinal) && r.UserAgent != "kubectl")
        .Select(r => r.UserAgent).Distinct();

    [Fact]
    public async Task Only_the_leader_reconciles()
    {
        var a = Start("cp-a");
        await Poller.UntilAsync(() => Task.FromResult(a.Status.IsLeader), "cp-a to lead");
        var b = Start("cp-b");

        for (var i = 0; i < 3; i++) await CreateReadyAsync($"leader-{i}", $"OP-LEADER-{i}");

        b.Status.IsLeader.Should().BeFalse();
        b.Reconciles.Should().Be(0, "a follower runs no controller");
        a.Reconciles.Should().BeGreaterThanOrEqualTo(3);
        Writers().Should().Equal(["cp-a"]);
        (await _world.Kubectl.GetAsync<Lease>(OperatorWorld.LeaseName)).Value.Spec.HolderIdentity.Should().Be("cp-a");
    }

    [Fact]
    public async Task Killing_the_leader_hands_over_within_the_lease_duration()
    {
        var a = Start("cp-a");
        await Poller.UntilAsync(() => Task.FromResult(a.Status.IsLeader), "cp-a to lead");
        var b = Start("cp-b");
        await CreateReadyAsync("before", "OP-HANDOVER-1");
        var transitions = (await _world.Kubectl.GetAsync<Lease>(OperatorWorld.LeaseName)).Value.Spec.LeaseTransitions ?? 0;

        var sinceKill = Stopwatch.StartNew();
        await a.CrashAsync();
        var lastRenewal = (await _world.Kubectl.GetAsync<Lease>(OperatorWorld.LeaseName)).Value.Spec.RenewTime!.Value;
        await Poller.UntilAsync(() => Task.FromResult(b.Status.IsLeader), "cp-b to take over", TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(20));
        var handOver = sinceKill.Elapsed;

        var lease = (await _world.Kubectl.GetAsync<Lease>(OperatorWorld.LeaseName)).Value;
        lease.Spec.HolderIdentity.Should().Be("cp-b");
        (lease.Spec.LeaseTransitions ?? 0).Should().Be(transitions + 1);
        (lease.Spec.AcquireTime!.Value - lastRenewal).Should().BeGreaterThanOrEqualTo(OperatorWorld.LeaseDuration, "nobody takes a lease before it expires");
        // The candidate sees the last renewal and then the expiry each up to a retry period (+jitter) late; the rest is
        // slack for a busy 2-core machine.
        handOver.Should().BeLessThan(OperatorWorld.LeaseDuration + 3 * RetryPeriod + TimeSpan.FromSeconds(1.5));

        // The new leader does the work now: a new offering and an edit of an existing one.
        await CreateReadyAsync("after", "OP-HANDOVER-2");
        var before = (await _world.Kubectl.GetAsync<AgentOffering>("before")).Value;
        before.Spec.Price.Amount = "59.99";
        (await _world.Kubectl.ReplaceAsync(before)).IsSuccess.Should().BeTrue();
        await _world.UntilAsync<AgentOffering>("before", o => o.Status?.ObservedGeneration == 2 && o.Status.Phase == Phases.Ready, "the edit to be applied by cp-b");
        b.Reconciles.Should().BeGreaterThanOrEqualTo(2);
    }

    [Fact]
    public async Task After_the_watch_history_is_compacted_the_operator_lists_again_and_misses_nothing()
    {
        // No leader election: the outage must end the watch, not the leadership term (a new term starts a fresh informer anyway).
        var cp = Start("cp-solo", new() { ["Operator:LeaderElection:Enabled"] = "false" });
        await CreateReadyAsync("early", "OP-RELIST-1");
        var lists = ListsOfOfferings();

        cp.Partition(true);
        _world.Api.Store.CloseWatches();
        await Poller.UntilAsync(() => Task.FromResult(_world.Api.Store.OpenWatches == 0), "the operator's watches to be gone");
        (await _world.Kubectl.CreateAsync(OperatorWorld.Offering("during", "OP-RELIST-2"))).IsSuccess.Should().BeTrue();
        _world.Api.Store.Compact();
        cp.Partition(false);

        await _world.UntilAsync<AgentOffering>("during", o => o.Status?.Phase == Phases.Ready, "the offering created during the outage to be reconciled");
        _world.Api.Requests.All.Should().Contain(r => r.UserAgent == "cp-solo" && r.PathAndQuery.Contains("watch", StringComparison.Ordinal)
            && r.PathAndQuery.Contains("/agentofferings", StringComparison.Ordinal), "it watched");
        ListsOfOfferings().Should().BeGreaterThan(lists, "410 Gone forces a fresh list");
    }

    /// <summary>The informer's lists (it pages with limit=500; the reconciler's duplicate-SKU check lists without a limit,
    /// so it does not count here).</summary>
    int ListsOfOfferings() => _world.Api.Requests.All.Count(r => r.UserAgent == "cp-solo" && r.Method == "GET" && r.Status == 200
        && r.PathAndQuery.Contains("/namespaces/cmp/agentofferings?", StringComparison.Ordinal)
        && r.PathAndQuery.Contains("limit=500", StringComparison.Ordinal) && !r.PathAndQuery.Contains("watch=", StringComparison.Ordinal));
}
