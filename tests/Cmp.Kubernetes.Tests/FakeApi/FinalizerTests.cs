using Cmp.Kubernetes.Client;
using Cmp.Kubernetes.Model;
using Cmp.Kubernetes.Resources;
using Cmp.Simulators.KubeApi;

namespace Cmp.Kubernetes.Tests.FakeApi;

/// <summary>Finalizers and deletionTimestamp (API docs: "Finalizers"; API conventions: "Object deletion").</summary>
public sealed class FinalizerTests : IAsyncLifetime
{
    KubeApiServer _api = null!;
    KubeClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _api = await KubeFake.StartAsync();
        _client = KubeFake.Client(_api);
    }

    public ValueTask DisposeAsync() => _api.DisposeAsync();

    async Task<AgentOffering> CreateWithFinalizer(string name)
    {
        var o = KubeFake.Offering(name);
        o.Metadata.Finalizers = ["cmp.dev/cleanup"];
        return (await _client.CreateAsync(o)).Ok();
    }

    [Fact]
    public async Task Delete_with_a_finalizer_only_marks_the_object_and_bumps_generation()
    {
        var created = await CreateWithFinalizer("a");

        (await _client.DeleteAsync<AgentOffering>("a")).Ok();

        var marked = (await _client.GetAsync<AgentOffering>("a")).Ok();
        marked.Metadata.DeletionTimestamp.Should().NotBeNull();
        marked.Metadata.Generation.Should().Be(created.Metadata.Generation + 1);
    }

    [Fact]
    public async Task Removing_the_last_finalizer_deletes_the_object()
    {
        await CreateWithFinalizer("b");
        (await _client.DeleteAsync<AgentOffering>("b")).Ok();
        var marked = (await _client.GetAsync<AgentOffering>("b")).Ok();

        marked.Metadata.Finalizers = [];
        (await _client.ReplaceAsync(marked)).Ok();

        (await _client.GetAsync<AgentOffering>("b")).Fails(KubeErrors.NotFound);
    }

    [Fact]
    public async Task No_new_finalizer_can_be_added_while_deleting()
    {
        await CreateWithFinalizer("c");
        (await _client.DeleteAsync<AgentOffering>("c")).Ok();
        var marked = (await _client.GetAsync<AgentOffering>("c")).Ok();

        marked.Metadata.Finalizers!.Add("someone.else/too-late");
        var error = (await _client.ReplaceAsync(marked)).Fails(KubeErrors.Invalid);

        error.Message.Should().Contain("no new finalizers can be added if the object is being deleted");
    }

    [Fact]
    public async Task Deleting_again_changes_nothing_and_clients_cannot_set_or_clear_deletion_timestamp()
    {
        await CreateWithFinalizer("d");
        (await _client.DeleteAsync<AgentOffering>("d")).Ok();
        var marked = (await _client.GetAsync<AgentOffering>("d")).Ok();

        (await _client.DeleteAsync<AgentOffering>("d")).Ok();
        marked.Metadata.DeletionTimestamp = null;
        marked.Metadata.Labels = new() { ["x"] = "y" };
        var after = (await _client.ReplaceAsync(marked)).Ok();

        after.Metadata.DeletionTimestamp.Should().NotBeNull();
        after.Metadata.Generation.Should().Be(2, "only the first delete bumps generation");
    }

    [Fact]
    public async Task Without_finalizers_delete_is_immediate()
    {
        (await _client.CreateAsync(KubeFake.Offering("e"))).Ok();

        (await _client.DeleteAsync<AgentOffering>("e")).Ok();

        (await _client.GetAsync<AgentOffering>("e")).Fails(KubeErrors.NotFound);
        (await _client.DeleteAsync<AgentOffering>("e")).Fails(KubeErrors.NotFound);
    }
}
