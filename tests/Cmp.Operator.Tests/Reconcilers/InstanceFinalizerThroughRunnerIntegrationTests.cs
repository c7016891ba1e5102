using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cmp.ControlPlane.Operator;
using Cmp.Kubernetes.Resources;
using Cmp.Operator.Tests.Support;
using Cmp.Testing.Hosting;
using Cmp.Testing.Postgres;
using Cmp.Testing.Simulators;

namespace Cmp.Operator.Tests.Reconcilers;

/// <summary>
/// The AgentInstance finalizer with nothing faked between the control plane and Langflow: the flow is imported and
/// removed through the runner client, the runner and the Langflow simulator.
/// </summary>
public sealed class InstanceFinalizerThroughRunnerIntegrationTests(PostgresFixture pg, SaleorFixture saleor) : IAsyncLifetime
{
    const string LangflowKey = "sk-dev-langflow";
    readonly OperatorWorld _world = new(pg, saleor);
    SimulatorProcess _langflow = null!;
    ServiceFactory<Cmp.Runner.Program> _runner = null!;
    ControlPlaneReplica _cp = null!;

    public async ValueTask InitializeAsync()
    {
        await _world.InitializeAsync();
        _langflow = await SimulatorProcess.StartNodeAsync("langflow", new Dictionary<string, string?> { ["LOG_LEVEL"] = "silent" });
        var runner = _world.Identity.AuthSettings();
        runner["Http:langflow:BaseAddress"] = _langflow.Url.ToString();
        runner["Langflow:ApiKey"] = LangflowKey;
        _runner = new ServiceFactory<Cmp.Runner.Program>(runner);
        _runner.Start();
        _cp = ControlPlaneReplica.Start(_world, "cp-0", new Dictionary<string, string?> { ["Http:runner:BaseAddress"] = _runner.Url.ToString() }, flowsThroughRunner: true);
    }

    public async ValueTask DisposeAsync()
    {
        await _cp.DisposeAsync();
        await _runner.DisposeAsync();
        await _langflow.DisposeAsync();
        await _world.DisposeAsync();
    }

    async Task<HttpStatusCode> FlowInLangflowAsync(Guid flowId)
    {
        using var http = new HttpClient { BaseAddress = _langflow.Url };
        http.DefaultRequestHeaders.Add("x-api-key", LangflowKey);
        using var r = await http.GetAsync($"/api/v1/flows/{flowId}");
        return r.StatusCode;
    }

    [Fact]
    public async Task Deleting_the_object_removes_the_flow_from_langflow_before_the_object_goes()
    {
        (await _world.Kubectl.CreateAsync(OperatorWorld.Offering("runner-fleet", "OP-RUNNER"))).IsSuccess.Should().BeTrue();
        await _world.UntilAsync<AgentOffering>("runner-fleet", o => o.Status?.Phase == Phases.Ready, "the offering to be Ready");
        using var svc = await _world.ProvisionerAsync(_cp);
        using var tenant = await svc.PostAsJsonAsync("/v1/tenants", new { email = "buyer@example.com" });
        var tenantId = (await tenant.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/instances") { Content = JsonContent.Create(new { tenant_id = tenantId, offering_sku = "OP-RUNNER" }) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var created = await svc.SendAsync(request);
        var instance = await created.Content.ReadFromJsonAsync<JsonElement>();
        var (id, flowId) = (instance.GetProperty("id").GetGuid(), instance.GetProperty("flow_id").GetGuid());
        await _world.UntilAsync<AgentInstance>(id.ToString("D"), o => o.Status?.Phase == Phases.Ready, "the instance to be Ready");
        (await FlowInLangflowAsync(flowId)).Should().Be(HttpStatusCode.OK, "the flow was imported through the runner");

        (await _world.Kubectl.DeleteAsync<AgentInstance>(id.ToString("D"))).IsSuccess.Should().BeTrue();

        await _world.UntilGoneAsync<AgentInstance>(id.ToString("D"), "the finalizer to let the object go");
        (await FlowInLangflowAsync(flowId)).Should().Be(HttpStatusCode.NotFound, "the flow is gone from Langflow before the object is");
    }
}
