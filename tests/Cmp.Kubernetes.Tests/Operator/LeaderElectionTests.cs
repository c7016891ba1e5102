using System.Diagnostics;
using Cmp.Kubernetes.Client;
using Cmp.Kubernetes.Model;
using Cmp.Kubernetes.Resources;
using Cmp.Kubernetes.Tests.Operator.Example;
using Cmp.Simulators.KubeApi;
using Cmp.Testing;

namespace Cmp.Kubernetes.Tests.Operator;

/// <summary>Two operator replicas against one API server: exactly one reconciles, and the other takes over when it
/// dies (within the lease duration), when it stops gracefully (at once), or when it is cut off (after it stepped down).</summary>
public sealed class LeaderElectionTests : IAsyncLifetime
{
    static readonly TimeSpan LeaseDuration = TimeSpan.Parse(OperatorReplica.FastSettings["Operator:LeaderElection:LeaseDuration"]!, System.Globalization.CultureInfo.InvariantCulture);
    static readonly TimeSpan RetryPeriod = TimeSpan.Parse(OperatorReplica.FastSettings["Operator:LeaderElection:RetryPeriod"]!, System.Globalization.CultureInfo.InvariantCulture);

    KubeApiServer _api = null!;
    KubeClient _kubectl = null!;
    readonly FakeCatalog _catalog = new();
    OperatorReplica _a = null!;
    OperatorReplica _b = null!;

    public async ValueTask InitializeAsync()
    {
        _api = await KubeFake.StartAsync();
        _kubectl = KubeFake.Client(_api, "cmp");
        _a = await OperatorReplica.StartAsync(_api, "replica-a", _catalog);
        await Poller.UntilAsync(() => Task.FromResult(_a.Status.IsLeader), "replica-a to lead");
        _b = await OperatorReplica.StartAsync(_api, "replica-b", _catalog);
    }

    public async ValueTask DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _api.DisposeAsync();
    }

    async Task CreateAndAwaitReady(string name, string sku) =>
        await Poller.UntilAsync(async () =>
        {
            if ((await _kubectl.GetAsync<AgentOffering>(name)).Error?.Code == KubeErrors.NotFound)
                (await _kubectl.CreateAsync(KubeFake.Offering(name, sku))).Ok();
            var o = await _kubectl.GetAsync<AgentOffering>(name);
            return o.IsSuccess && o.Value.Status?.Phase == "Ready";
        }, $"{name} to be reconciled", TimeSpan.FromSeconds(20));

    [Fact]
    public async Task Only_the_leader_reconciles()
    {
        for (var i = 0; i < 5; i++) await CreateAndAwaitReady($"offering-{i}", $"SKU-{i}");

        _catalog.Writers.Should().OnlyContain(w => w == "replica-a");
        _b.Status.IsLeader.Should().BeFalse();
        _b.Reconciles.Should().Be(0);
        var lease = (await _kubectl.GetAsync<Lease>("cmp-operator")).Ok();
        lease.Spec.HolderIdentity.Should().Be("replica-a");
    }

    [Fact]
    public async Task Killing_the_leader_hands_over_within_the_lease_duration()
    {
        await CreateAndAwaitReady("before", "SKU-BEFORE");
        var transitions = (await _kubectl.GetAsync<Lease>("cmp-operator")).Ok().Spec.LeaseTransitions;

        var clock = Stopwatch.StartNew();
        await _a.CrashAsync();
        var lastRenewal = (await _kubectl.GetAsync<Lease>("cmp-operator")).Ok().Spec.RenewTime!.Value;
        await Poller.UntilAsync(() => Task.FromResult(_b.Status.IsLeader), "replica-b to take over", TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(20));
        var sinceKill = clock.Elapsed;

        var lease = (await _kubectl.GetAsync<Lease>("cmp-operator")).Ok();
        lease.Spec.HolderIdentity.Should().Be("replica-b");
        lease.Spec.LeaseTransitions.Should().Be(transitions + 1);
        var sinceLastRenewal = lease.Spec.AcquireTime!.Value - lastRenewal;
        // The lease is taken over once the candidate has seen it unchanged for LeaseDuration; the candidate polls every
        // RetryPeriod (+20 % jitter), so it notices the last renewal and the expiry each up to one period late (plus
        // scheduling slack on a busy machine).
        sinceLastRenewal.Should().BeGreaterThanOrEqualTo(LeaseDuration, "nobody may take a lease before it expires");
        sinceLastRenewal.Should().BeLessThan(LeaseDuration + RetryPeriod * 4);
        sinceKill.Should().BeLessThan(LeaseDuration + TimeSpan.FromSeconds(2));
        await CreateAndAwaitReady("after", "SKU-AFTER");
        _catalog.Writers.Last().Should().Be("replica-b");
        Console.WriteLine($"measured: crash hand-over {sinceLastRenewal.TotalMilliseconds:F0} ms after the last renewal, " +
                          $"{sinceKill.TotalMilliseconds:F0} ms after the kill (lease duration {LeaseDuration.TotalMilliseconds:F0} ms)");
    }

    [Fact]
    public async Task A_graceful_stop_hands_over_without_waiting_for_the_lease_to_expire()
    {
        var clock = Stopwatch.StartNew();
        await _a.StopAsync();
        await Poller.UntilAsync(() => Task.FromResult(_b.Status.IsLeader), "replica-b to take over", TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(20));

        clock.Elapsed.Should().BeLessThan(LeaseDuration, "the lease was released, not left to expire");
        Console.WriteLine($"measured: hand-over after a graceful stop took {clock.Elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task A_partitioned_leader_steps_down_before_the_other_replica_takes_over()
    {
        var aStopped = DateTimeOffset.MaxValue;
        var bStarted = DateTimeOffset.MaxValue;
        await CreateAndAwaitReady("x", "SKU-X");

        _a.Partition(true);
        await Poller.UntilAsync(() =>
        {
            if (!_a.Status.IsLeader && aStopped == DateTimeOffset.MaxValue) aStopped = DateTimeOffset.UtcNow;
            if (_b.Status.IsLeader && bStarted == DateTimeOffset.MaxValue) bStarted = DateTimeOffset.UtcNow;
            return Task.FromResult(aStopped != DateTimeOffset.MaxValue && bStarted != DateTimeOffset.MaxValue);
        }, "a to step down and b to lead", TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(10));

        aStopped.Should().BeBefore(bStarted, "two leaders must never overlap");
        _a.Partition(false);
        await CreateAndAwaitReady("y", "SKU-Y");
        _catalog.Writers.Last().Should().Be("replica-b");
        _a.Status.IsLeader.Should().BeFalse("the old leader rejoins as a candidate");
    }

    [Fact]
    public async Task A_replica_that_lost_the_lease_leads_again_and_reconciles_everything()
    {
        await CreateAndAwaitReady("first", "SKU-FIRST");
        _a.Partition(true);
        await Poller.UntilAsync(() => Task.FromResult(_b.Status.IsLeader && !_a.Status.IsLeader), "b to take over", TimeSpan.FromSeconds(15));
        _a.Partition(false);
        await CreateAndAwaitReady("second", "SKU-SECOND");

        var writesBefore = _catalog.Writers.Count(w => w == "replica-a");
        await _b.CrashAsync();
        await Poller.UntilAsync(() => Task.FromResult(_a.Status.IsLeader), "a to lead again", TimeSpan.FromSeconds(15));
        await CreateAndAwaitReady("third", "SKU-THIRD");

        await Poller.UntilAsync(() => Task.FromResult(_catalog.Writers.Count(w => w == "replica-a") >= writesBefore + 3),
            "a's second term to reconcile the objects it already knew and the new one");
        _catalog.Products.Keys.Should().Contain(["SKU-FIRST", "SKU-SECOND", "SKU-THIRD"]);
        _catalog.Writers.Last().Should().Be("replica-a");
    }
}
