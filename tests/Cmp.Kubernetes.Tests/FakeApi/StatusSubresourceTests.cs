using Cmp.Kubernetes.Client;
using Cmp.Kubernetes.Model;
using Cmp.Kubernetes.Operator;
using Cmp.Kubernetes.Resources;
using Cmp.Simulators.KubeApi;

namespace Cmp.Kubernetes.Tests.FakeApi;

/// <summary>The status subresource splits spec (users) from status (controllers); generation tracks spec only
/// (API conventions: "Spec and Status"; CRD docs: "Status subresource").</summary>
public sealed class StatusSubresourceTests : IAsyncLifetime
{
    KubeApiServer _api = null!;
    KubeClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _api = await KubeFake.StartAsync();
        _client = KubeFake.Client(_api);
    }

    public ValueTask DisposeAsync() => _api.DisposeAsync();

    static AgentOfferingStatus ReadyStatus() => new()
    {
        Phase = "Ready",
        ObservedGeneration = 1,
        Conditions = new List<Condition>().Set(CmpConditions.Ready, true, "Synced", "ok", 1, DateTimeOffset.UtcNow),
    };

    [Fact]
    public async Task Status_sent_on_create_is_dropped_and_generation_starts_at_one()
    {
        var offering = KubeFake.Offering("a");
        offering.Status = ReadyStatus();

        var created = (await _client.CreateAsync(offering)).Ok();

        created.Status.Should().BeNull();
        created.Metadata.Generation.Should().Be(1);
        created.Metadata.Uid.Should().NotBeNullOrEmpty();
        created.Metadata.CreationTimestamp.Should().NotBeNull();
    }

    [Fact]
    public async Task The_main_endpoint_ignores_status_changes()
    {
        var created = (await _client.CreateAsync(KubeFake.Offering("b"))).Ok();
        created.Status = ReadyStatus();
        created.Spec.DisplayName = "renamed";

        var updated = (await _client.ReplaceAsync(created)).Ok();

        updated.Spec.DisplayName.Should().Be("renamed");
        updated.Status.Should().BeNull();
    }

    [Fact]
    public async Task The_status_endpoint_ignores_spec_and_metadata_changes()
    {
        var created = (await _client.CreateAsync(KubeFake.Offering("c"))).Ok();
        created.Status = ReadyStatus();
        created.Spec.DisplayName = "sneaky spec change";
        created.Metadata.Labels = new() { ["sneaky"] = "label" };

        var updated = (await _client.ReplaceStatusAsync(created)).Ok();

        updated.Status!.Phase.Should().Be("Ready");
        updated.Spec.DisplayName.Should().Be("Customer support agent (Pro)");
        updated.Metadata.Labels.Should().BeNull();
    }

    [Fact]
    public async Task Spec_changes_bump_generation_status_and_metadata_changes_do_not()
    {
        var created = (await _client.CreateAsync(KubeFake.Offering("d"))).Ok();

        created.Status = ReadyStatus();
        var afterStatus = (await _client.ReplaceStatusAsync(created)).Ok();
        afterStatus.Metadata.Labels = new() { ["team"] = "platform" };
        var afterLabel = (await _client.ReplaceAsync(afterStatus)).Ok();
        afterLabel.Spec.Price.Amount = "59.99";
        var afterSpec = (await _client.ReplaceAsync(afterLabel)).Ok();

        afterStatus.Metadata.Generation.Should().Be(1);
        afterLabel.Metadata.Generation.Should().Be(1);
        afterSpec.Metadata.Generation.Should().Be(2);
        afterSpec.Status!.ObservedGeneration.Should().Be(1, "observedGeneration is what the controller last saw, now behind");
    }

    [Fact]
    public async Task A_status_write_with_a_stale_resource_version_is_a_conflict()
    {
        var created = (await _client.CreateAsync(KubeFake.Offering("e"))).Ok();
        var stale = KubeJson.Clone(created);
        created.Spec.DisplayName = "x";
        (await _client.ReplaceAsync(created)).Ok();

        stale.Status = ReadyStatus();
        (await _client.ReplaceStatusAsync(stale)).Fails(KubeErrors.Conflict);
    }

    [Fact]
    public async Task A_merge_patch_to_status_changes_only_status()
    {
        (await _client.CreateAsync(KubeFake.Offering("f"))).Ok();

        var patched = (await _client.PatchStatusAsync<AgentOffering>("f", null,
            KubePatch.Merge(new { status = new { phase = "Failed" }, spec = new { displayName = "ignored" } }))).Ok();

        patched.Status!.Phase.Should().Be("Failed");
        patched.Spec.DisplayName.Should().Be("Customer support agent (Pro)");
    }

    [Fact]
    public async Task Kinds_without_a_status_subresource_have_no_status_endpoint()
    {
        (await _client.CreateAsync(new ConfigMap { Metadata = new() { Name = "cm" } })).Ok();

        (await _client.PatchStatusAsync<ConfigMap>("cm", null, KubePatch.Merge(new { status = new { } }))).Fails(KubeErrors.NotFound);
    }
}
