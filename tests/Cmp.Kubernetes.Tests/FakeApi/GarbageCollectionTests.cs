using Cmp.Kubernetes.Client;
using Cmp.Kubernetes.Model;
using Cmp.Kubernetes.Operator;
using Cmp.Kubernetes.Resources;
using Cmp.Simulators.KubeApi;

namespace Cmp.Kubernetes.Tests.FakeApi;

/// <summary>Owner references and the garbage collector (docs: "Owners and Dependents", "Garbage Collection").</summary>
public sealed class GarbageCollectionTests : IAsyncLifetime
{
    KubeApiServer _api = null!;
    KubeClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _api = await KubeFake.StartAsync();
        _client = KubeFake.Client(_api);
    }

    public ValueTask DisposeAsync() => _api.DisposeAsync();

    async Task<(AgentOffering Owner, ConfigMap Child)> OwnerWithChild(string name, params string[] childFinalizers)
    {
        var owner = (await _client.CreateAsync(KubeFake.Offering(name))).Ok();
        var child = (await _client.CreateAsync(new ConfigMap
        {
            Metadata = new() { Name = $"{name}-child", OwnerReferences = [Owners.ControllerReference(owner)], Finalizers = childFinalizers.Length > 0 ? [.. childFinalizers] : null },
        })).Ok();
        return (owner, child);
    }

    [Fact]
    public async Task Deleting_the_owner_deletes_its_dependents()
    {
        await OwnerWithChild("a");

        (await _client.DeleteAsync<AgentOffering>("a")).Ok();

        (await _client.GetAsync<ConfigMap>("a-child")).Fails(KubeErrors.NotFound);
    }

    [Fact]
    public async Task Orphan_propagation_keeps_dependents_and_removes_the_reference()
    {
        await OwnerWithChild("b");

        (await _client.DeleteAsync<AgentOffering>("b", options: new DeleteOptions { PropagationPolicy = "Orphan" })).Ok();

        (await _client.GetAsync<ConfigMap>("b-child")).Ok().Metadata.OwnerReferences.Should().BeNull();
    }

    [Fact]
    public async Task A_dependent_with_a_finalizer_is_marked_not_removed()
    {
        await OwnerWithChild("c", "example.com/hold");

        (await _client.DeleteAsync<AgentOffering>("c")).Ok();

        (await _client.GetAsync<ConfigMap>("c-child")).Ok().Metadata.DeletionTimestamp.Should().NotBeNull();
    }

    [Fact]
    public async Task Dependents_go_only_when_the_owner_is_really_gone_not_while_it_is_finalizing()
    {
        var (owner, _) = await OwnerWithChild("d");
        owner.Metadata.Finalizers = ["cmp.dev/cleanup"];
        owner = (await _client.ReplaceAsync(owner)).Ok();

        (await _client.DeleteAsync<AgentOffering>("d")).Ok();
        (await _client.GetAsync<ConfigMap>("d-child")).Ok();

        var marked = (await _client.GetAsync<AgentOffering>("d")).Ok();
        marked.Metadata.Finalizers = null;
        (await _client.ReplaceAsync(marked)).Ok();
        (await _client.GetAsync<ConfigMap>("d-child")).Fails(KubeErrors.NotFound);
    }
}
