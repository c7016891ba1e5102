using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cmp.ControlPlane.Operator;
using Cmp.ControlPlane.Operator.Instances;
using Cmp.Kubernetes.Client;
using Cmp.Kubernetes.Model;
using Cmp.Kubernetes.Operator;
using Cmp.Kubernetes.Resources;
using Cmp.Operator.Tests.Support;
using Cmp.Testing;
using Cmp.Testing.Postgres;

namespace Cmp.Operator.Tests.Reconcilers;

/// <summary>
/// The fleet as AgentInstances: every provisioned instance is mirrored (owned by its AgentOffering); editing
/// spec.desiredState suspends or resumes it through the control plane's own lifecycle rules; deleting the object
/// revokes its keys and removes its flow before the object goes.
/// </summary>
public sealed class AgentInstanceReconcilerIntegrationTests(PostgresFixture pg, SaleorFixture saleor) : IAsyncLifetime
{
    const string Sku = "OP-FLEET";
    readonly OperatorWorld _world = new(pg, saleor);
    ControlPlaneReplica _cp = null!;
    AgentOffering _offering = null!;

    public async ValueTask InitializeAsync()
    {
        await _world.InitializeAsync();
        // A short resync, so the test of an owner's deletion sees the mirror repair the fleet.
        _cp = ControlPlaneReplica.Start(_world, "cp-0", new Dictionary<string, string?> { ["Operator:Instances:ResyncInterval"] = "00:00:01" });
        (await _world.Kubectl.CreateAsync(OperatorWorld.Offering("fleet", Sku))).IsSuccess.Should().BeTrue();
        _offering = await _world.UntilAsync<AgentOffering>("fleet", o => o.Status?.Phase == Phases.Ready, "the offering to be Ready");
    }

    public async ValueTask DisposeAsync()
    {
        await _cp.DisposeAsync();
        await _world.DisposeAsync();
    }

    /// <summary>A purchase, as the provisioner makes it: tenant of the buyer, then an instance of the offering.</summary>
    async Task<(Guid Id, Guid FlowId)> ProvisionAsync()
    {
        using var svc = await _world.ProvisionerAsync(_cp);
        using var tenant = await svc.PostAsJsonAsync("/v1/tenants", new { email = "buyer@example.com" });
        var tenantId = (await tenant.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/instances")
        {
            Content = JsonContent.Create(new { tenant_id = tenantId, offering_sku = Sku, source = new { order_id = "T3JkZXI6MQ==", line_id = "Line:1", unit = 0 } }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var created = await svc.SendAsync(request);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        created.IsSuccessStatusCode.Should().BeTrue(body.ToString());
        return (body.GetProperty("id").GetGuid(), body.GetProperty("flow_id").GetGuid());
    }

    Task<AgentInstance> UntilAsync(Guid id, Func<AgentInstance, bool> done, string what) =>
        _world.UntilAsync(id.ToString("D"), done, what);

    /// <summary>What <c>kubectl patch agentinstance ID --type merge -p '{"spec":{"desiredState":…}}'</c> sends: no
    /// resourceVersion, so the operator's own metadata and status writes cannot make the edit conflict.</summary>
    async Task<AgentInstance> SetDesiredStateAsync(Guid id, string state)
    {
        var patched = await _world.Kubectl.PatchAsync<AgentInstance>(id.ToString("D"), OperatorWorld.Namespace,
            new KubePatch(PatchType.Merge, "{\"spec\":{\"desiredState\":\"" + state + "\"}}"));
        patched.IsSuccess.Should().BeTrue(patched.Error?.ToString());
        return patched.Value;
    }

    static bool Is(AgentInstance o, string type, bool status, string reason) =>
        o.Status?.Conditions.Get(type) is { } c && c.Status == (status ? ConditionStatus.True : ConditionStatus.False) && c.Reason == reason;

    async Task<string> InstanceStatusAsync(Guid id)
    {
        using var admin = await _world.AdminAsync(_cp);
        return (await admin.GetFromJsonAsync<JsonElement>($"/v1/instances/{id}")).GetProperty("status").GetString()!;
    }

    [Fact]
    public async Task A_provisioned_instance_is_mirrored_with_its_owner_labels_and_status()
    {
        var (id, flowId) = await ProvisionAsync();

        var o = await UntilAsync(id, x => x.Status?.Phase == Phases.Ready, "the mirrored instance to be Ready");

        o.Spec.Offering.Should().Be(Sku);
        o.Spec.DesiredState.Should().Be(DesiredStates.Ready);
        o.Spec.OrderRef!.OrderId.Should().Be("T3JkZXI6MQ==");
        o.Metadata.Labels.Should().Contain(InstanceObjects.OfferingLabel, Sku).And.Contain(InstanceObjects.OrderLabel, "1");
        o.Metadata.OwnerReferences.Should().ContainSingle().Which.Uid.Should().Be(_offering.Metadata.Uid);
        o.Metadata.Finalizers.Should().Contain(Finalizers.Instance);
        o.Status!.ObservedGeneration.Should().Be(o.Metadata.Generation);
        o.Status.FlowId.Should().Be(flowId.ToString("D"));
        o.Status.Endpoint.Should().Be($"https://api.cmp.test/v1/runs?instance_id={id}");
        Is(o, CmpConditions.Provisioned, true, InstanceReasons.FlowImported).Should().BeTrue();
        Is(o, CmpConditions.Suspended, false, InstanceReasons.NotSuspended).Should().BeTrue();
        Is(o, CmpConditions.Ready, true, InstanceReasons.Ready).Should().BeTrue();
        _world.Flows.Imported.Should().ContainKey(flowId);
    }

    [Fact]
    public async Task Editing_desiredState_suspends_and_resumes_the_instance()
    {
        var (id, _) = await ProvisionAsync();
        await UntilAsync(id, x => x.Status?.Phase == Phases.Ready, "Ready");

        var edited = await SetDesiredStateAsync(id, DesiredStates.Suspended);

        var suspended = await UntilAsync(id, x => x.Status?.ObservedGeneration == edited.Metadata.Generation && x.Status?.Phase == Phases.Suspended, "the suspension to be observed");
        Is(suspended, CmpConditions.Suspended, true, InstanceReasons.SuspendedByPlatform).Should().BeTrue();
        Is(suspended, CmpConditions.Ready, false, InstanceReasons.SuspendedByPlatform).Should().BeTrue();
        Is(suspended, CmpConditions.Provisioned, true, InstanceReasons.FlowImported).Should().BeTrue("suspending keeps the flow");
        (await InstanceStatusAsync(id)).Should().BeEquivalentTo("Suspended");

        var resumedEdit = await SetDesiredStateAsync(id, DesiredStates.Ready);

        var resumed = await UntilAsync(id, x => x.Status?.ObservedGeneration == resumedEdit.Metadata.Generation && x.Status?.Phase == Phases.Ready, "the resumption to be observed");
        Is(resumed, CmpConditions.Suspended, false, InstanceReasons.NotSuspended).Should().BeTrue();
        Is(resumed, CmpConditions.Ready, true, InstanceReasons.Ready).Should().BeTrue();
        (await InstanceStatusAsync(id)).Should().BeEquivalentTo("Ready");
    }

    [Fact]
    public async Task A_suspension_made_through_the_api_is_reflected_in_the_spec()
    {
        var (id, _) = await ProvisionAsync();
        await UntilAsync(id, x => x.Status?.Phase == Phases.Ready, "Ready");

        using (var admin = await _world.AdminAsync(_cp))
            (await admin.PostAsJsonAsync($"/v1/instances/{id}/suspend", new { reason = "abuse report" })).EnsureSuccessStatusCode();

        var o = await UntilAsync(id, x => x.Spec.DesiredState == DesiredStates.Suspended && x.Status?.Phase == Phases.Suspended, "the spec to follow the API");
        o.Status!.ObservedGeneration.Should().Be(o.Metadata.Generation, "following the database is not a new intent to apply");
    }

    [Fact]
    public async Task Deleting_the_object_revokes_the_keys_and_removes_the_flow_before_it_goes()
    {
        var (id, flowId) = await ProvisionAsync();
        await UntilAsync(id, x => x.Status?.Phase == Phases.Ready, "Ready");
        string key;
        using (var buyer = await _world.BuyerAsync(_cp))
        using (var issued = await buyer.PostAsJsonAsync($"/v1/instances/{id}/keys", new { name = "widget" }))
            key = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        using var gateway = _cp.Service.CreateHttpClient(await _world.Identity.ClientTokenAsync("cmp-gateway"));
        (await gateway.PostAsJsonAsync("/v1/keys/verify", new { key })).StatusCode.Should().Be(HttpStatusCode.OK);

        (await _world.Kubectl.DeleteAsync<AgentInstance>(id.ToString("D"))).IsSuccess.Should().BeTrue();

        await _world.UntilGoneAsync<AgentInstance>(id.ToString("D"), "the finalizer to let the object go");
        _world.Flows.Deleted.Should().Contain(flowId, "the flow is removed before the finalizer is");
        _world.Flows.Imported.Should().NotContainKey(flowId);
        (await gateway.PostAsJsonAsync("/v1/keys/verify", new { key })).StatusCode.Should().Be(HttpStatusCode.NotFound, "the key is revoked");
        (await InstanceStatusAsync(id)).Should().BeEquivalentTo("Deleted");
        await Task.Delay(TimeSpan.FromSeconds(1.5));   // a resync passes: a deleted instance is not mirrored again
        (await _world.Kubectl.GetAsync<AgentInstance>(id.ToString("D"))).IsSuccess.Should().BeFalse();
    }

    [Fact]
    public async Task Deleting_the_offering_object_does_not_deprovision_what_customers_bought()
    {
        var (id, flowId) = await ProvisionAsync();
        var before = await UntilAsync(id, x => x.Status?.Phase == Phases.Ready, "Ready");

        (await _world.Kubectl.DeleteAsync<AgentOffering>("fleet")).IsSuccess.Should().BeTrue();

        // The garbage collector deletes the owned object; the finalizer lets it go without touching the instance, and
        // the mirror's next resync brings it back without the owner.
        var back = await UntilAsync(id, x => x.Metadata.Uid != before.Metadata.Uid && x.Status?.Phase == Phases.Ready, "the object to be mirrored again");
        back.Metadata.OwnerReferences.Should().BeNullOrEmpty();
        (await InstanceStatusAsync(id)).Should().BeEquivalentTo("Ready");
        _world.Flows.Deleted.Should().NotContain(flowId);
    }
}
