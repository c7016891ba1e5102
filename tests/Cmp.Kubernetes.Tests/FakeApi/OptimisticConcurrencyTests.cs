using Cmp.Kubernetes.Client;
using Cmp.Kubernetes.Model;
using Cmp.Kubernetes.Resources;
using Cmp.Simulators.KubeApi;

namespace Cmp.Kubernetes.Tests.FakeApi;

/// <summary>resourceVersion and 409 Conflict (API conventions: "Concurrency Control and Consistency").</summary>
public sealed class OptimisticConcurrencyTests : IAsyncLifetime
{
    KubeApiServer _api = null!;
    KubeClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _api = await KubeFake.StartAsync();
        _client = KubeFake.Client(_api);
    }

    public ValueTask DisposeAsync() => _api.DisposeAsync();

    [Fact]
    public async Task Every_write_gets_a_new_increasing_resource_version()
    {
        var created = (await _client.CreateAsync(KubeFake.Offering("a"))).Ok();
        created.Metadata.Labels = new() { ["tier"] = "pro" };
        var updated = (await _client.ReplaceAsync(created)).Ok();

        long.Parse(updated.Metadata.ResourceVersion!).Should().BeGreaterThan(long.Parse(created.Metadata.ResourceVersion!));
    }

    [Fact]
    public async Task An_update_with_a_stale_resource_version_is_a_409_conflict()
    {
        var first = (await _client.CreateAsync(KubeFake.Offering("b"))).Ok();
        var stale = KubeJson.Clone(first);
        first.Spec.DisplayName = "changed by someone else";
        (await _client.ReplaceAsync(first)).Ok();

        stale.Spec.DisplayName = "my change";
        var error = (await _client.ReplaceAsync(stale)).Fails(KubeErrors.Conflict);

        error.Message.Should().Contain("the object has been modified");
        (await _client.GetAsync<AgentOffering>("b")).Ok().Spec.DisplayName.Should().Be("changed by someone else");
    }

    [Fact]
    public async Task A_custom_resource_update_without_a_resource_version_is_refused()
    {
        var created = (await _client.CreateAsync(KubeFake.Offering("c"))).Ok();
        created.Metadata.ResourceVersion = null;

        var error = (await _client.ReplaceAsync(created)).Fails(KubeErrors.Invalid);

        error.Message.Should().Contain("metadata.resourceVersion").And.Contain("must be specified for an update");
    }

    [Fact]
    public async Task A_built_in_kind_accepts_an_unconditional_update()
    {
        var cm = (await _client.CreateAsync(new ConfigMap { Metadata = new() { Name = "cm" }, Data = new() { ["a"] = "1" } })).Ok();
        cm.Metadata.ResourceVersion = null;
        cm.Data!["a"] = "2";

        (await _client.ReplaceAsync(cm)).Ok().Data!["a"].Should().Be("2");
    }

    [Fact]
    public async Task A_patch_carrying_a_stale_resource_version_is_a_conflict_and_one_without_is_applied()
    {
        var created = (await _client.CreateAsync(KubeFake.Offering("d"))).Ok();
        (await _client.PatchAsync<AgentOffering>("d", null, KubePatch.Merge(new { spec = new { displayName = "one" } }))).Ok();

        var stale = KubePatch.Merge(new { metadata = new { resourceVersion = created.Metadata.ResourceVersion }, spec = new { displayName = "two" } });
        (await _client.PatchAsync<AgentOffering>("d", null, stale)).Fails(KubeErrors.Conflict);
        (await _client.GetAsync<AgentOffering>("d")).Ok().Spec.DisplayName.Should().Be("one");
    }

    [Fact]
    public async Task Creating_an_existing_name_is_409_already_exists()
    {
        (await _client.CreateAsync(KubeFake.Offering("e"))).Ok();

        (await _client.CreateAsync(KubeFake.Offering("e"))).Fails(KubeErrors.AlreadyExists);
    }

    [Fact]
    public async Task A_write_that_changes_nothing_keeps_the_resource_version_and_emits_no_event()
    {
        var created = (await _client.CreateAsync(KubeFake.Offering("f"))).Ok();
        var revision = _api.Store.Revision;

        var again = (await _client.ReplaceAsync(created)).Ok();

        again.Metadata.ResourceVersion.Should().Be(created.Metadata.ResourceVersion);
        _api.Store.Revision.Should().Be(revision);
    }

    [Fact]
    public async Task Deleting_with_a_stale_precondition_is_a_conflict()
    {
        var created = (await _client.CreateAsync(new ConfigMap { Metadata = new() { Name = "pre" } })).Ok();
        created.Data = new() { ["x"] = "y" };
        (await _client.ReplaceAsync(created)).Ok();

        (await _client.DeleteAsync<ConfigMap>("pre", options: new DeleteOptions { PreconditionResourceVersion = created.Metadata.ResourceVersion }))
            .Fails(KubeErrors.Conflict);
        (await _client.GetAsync<ConfigMap>("pre")).Ok();
    }
}
