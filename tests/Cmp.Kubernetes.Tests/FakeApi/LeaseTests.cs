using Cmp.Kubernetes.Client;
using Cmp.Kubernetes.Model;
using Cmp.Simulators.KubeApi;

namespace Cmp.Kubernetes.Tests.FakeApi;

/// <summary>Leases are plain objects with compare-and-swap on resourceVersion; expiry is computed by the candidates
/// (coordination.k8s.io/v1 Lease; client-go leaderelection). The fake must never expire a Lease by itself.</summary>
public sealed class LeaseTests : IAsyncLifetime
{
    KubeApiServer _api = null!;
    KubeClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _api = await KubeFake.StartAsync();
        _client = KubeFake.Client(_api, "cmp");
    }

    public ValueTask DisposeAsync() => _api.DisposeAsync();

    static Lease Held(string holder) => new()
    {
        Metadata = new ObjectMeta { Name = "lock" },
        Spec = new LeaseSpec { HolderIdentity = holder, LeaseDurationSeconds = 1, AcquireTime = DateTimeOffset.UtcNow, RenewTime = DateTimeOffset.UtcNow, LeaseTransitions = 0 },
    };

    [Fact]
    public async Task Of_two_candidates_creating_the_lease_exactly_one_wins()
    {
        var results = await Task.WhenAll(_client.CreateAsync(Held("a")), _client.CreateAsync(Held("b")));

        results.Count(r => r.IsSuccess).Should().Be(1);
        results.Single(r => !r.IsSuccess).Error!.Code.Should().Be(KubeErrors.AlreadyExists);
    }

    [Fact]
    public async Task Of_two_candidates_taking_over_from_the_same_read_exactly_one_wins()
    {
        (await _client.CreateAsync(Held("old"))).Ok();
        var readByA = (await _client.GetAsync<Lease>("lock")).Ok();
        var readByB = KubeJson.Clone(readByA);
        readByA.Spec.HolderIdentity = "a";
        readByB.Spec.HolderIdentity = "b";

        var results = await Task.WhenAll(_client.ReplaceAsync(readByA), _client.ReplaceAsync(readByB));

        results.Count(r => r.IsSuccess).Should().Be(1);
        results.Single(r => !r.IsSuccess).Error!.Code.Should().Be(KubeErrors.Conflict);
    }

    [Fact]
    public async Task A_lease_past_its_duration_is_still_stored_unchanged()
    {
        var created = (await _client.CreateAsync(Held("sleepy"))).Ok();

        await Task.Delay(TimeSpan.FromSeconds(1.5));

        var later = (await _client.GetAsync<Lease>("lock")).Ok();
        later.Spec.HolderIdentity.Should().Be("sleepy");
        later.Metadata.ResourceVersion.Should().Be(created.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Micro_time_fields_round_trip_with_microseconds()
    {
        var t = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1234560);
        var lease = Held("t");
        lease.Spec.RenewTime = t;

        var created = (await _client.CreateAsync(lease)).Ok();

        created.Spec.RenewTime.Should().Be(t);
    }
}
