using Cmp.Kubernetes.Client;
using Cmp.Kubernetes.Model;
using Cmp.Kubernetes.Resources;
using Cmp.Simulators.KubeApi;

namespace Cmp.Kubernetes.Tests.FakeApi;

/// <summary>Patch types and server-side apply (API concepts: "Patch operations", "Server-Side Apply").</summary>
public sealed class PatchAndApplyTests : IAsyncLifetime
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
    public async Task A_merge_patch_null_removes_a_field()
    {
        var o = KubeFake.Offering("a");
        o.Spec.Description = "to be removed";
        (await _client.CreateAsync(o)).Ok();

        var patched = (await _client.PatchAsync<AgentOffering>("a", null, new KubePatch(PatchType.Merge, """{"spec":{"description":null}}"""))).Ok();

        patched.Spec.Description.Should().BeNull();
    }

    [Fact]
    public async Task A_json_patch_applies_in_order_and_a_failed_test_rejects_all_of_it()
    {
        (await _client.CreateAsync(KubeFake.Offering("b"))).Ok();

        var ok = (await _client.PatchAsync<AgentOffering>("b", null, KubePatch.Json("""
            [{"op":"test","path":"/spec/sku","value":"CSA-PRO"},{"op":"replace","path":"/spec/displayName","value":"patched"},
             {"op":"add","path":"/metadata/labels","value":{"a":"b"}}]
            """))).Ok();
        var refused = await _client.PatchAsync<AgentOffering>("b", null, KubePatch.Json("""
            [{"op":"replace","path":"/spec/displayName","value":"never"},{"op":"test","path":"/spec/sku","value":"OTHER"}]
            """));

        ok.Spec.DisplayName.Should().Be("patched");
        ok.Metadata.Labels!["a"].Should().Be("b");
        refused.Fails(KubeErrors.Invalid);
        (await _client.GetAsync<AgentOffering>("b")).Ok().Spec.DisplayName.Should().Be("patched");
    }

    [Fact]
    public async Task Strategic_merge_patch_is_refused_for_custom_resources()
    {
        (await _client.CreateAsync(KubeFake.Offering("c"))).Ok();

        (await _client.PatchAsync<AgentOffering>("c", null, new KubePatch(PatchType.StrategicMerge, """{"spec":{"displayName":"x"}}""")))
            .Fails(KubeErrors.UnsupportedMediaType);
    }

    [Fact]
    public async Task Apply_creates_then_updates_the_fields_it_sends()
    {
        var first = (await _client.ApplyAsync(KubeFake.Offering("d"), new ApplyOptions("test-manager"))).Ok();
        var second = KubeFake.Offering("d");
        second.Spec.DisplayName = "applied again";
        var updated = (await _client.ApplyAsync(second, new ApplyOptions("test-manager", Force: true))).Ok();

        first.Metadata.Generation.Should().Be(1);
        updated.Spec.DisplayName.Should().Be("applied again");
        updated.Metadata.Generation.Should().Be(2);
        updated.Metadata.Uid.Should().Be(first.Metadata.Uid);
    }

    [Fact]
    public async Task Apply_without_a_field_manager_is_a_bad_request()
    {
        (await _client.ApplyAsync(KubeFake.Offering("e"), new ApplyOptions(""))).Fails(KubeErrors.BadRequest);
    }

    [Fact]
    public async Task Apply_to_status_writes_only_status()
    {
        (await _client.CreateAsync(KubeFake.Offering("f"))).Ok();
        var o = KubeFake.Offering("f");
        o.Spec.DisplayName = "ignored";
        o.Status = new AgentOfferingStatus { Phase = "Ready" };

        var applied = (await _client.ApplyStatusAsync(o, new ApplyOptions("test-manager", true))).Ok();

        applied.Status!.Phase.Should().Be("Ready");
        applied.Spec.DisplayName.Should().Be("Customer support agent (Pro)");
    }
}
