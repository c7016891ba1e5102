using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cmp.ControlPlane.Infrastructure.Flows;
using Cmp.Primitives;
using Cmp.Testing.Hosting;
using Cmp.Testing.Postgres;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Cmp.ControlPlane.Tests;

/// <summary>A running control plane (real Kestrel, its own fresh PostgreSQL database, the dev identity server) whose
/// flow deployer is a hand-written fake, so tests can make Langflow imports fail on purpose.</summary>
public sealed class ControlPlaneHost : IAsyncDisposable
{
    public IdentityFixture Identity { get; } = new();
    public FakeFlowDeployer Flows { get; } = new();
    public ServiceFactory<Cmp.ControlPlane.Program> Service { get; private set; } = null!;
    public string Database { get; private set; } = "";

    public static async Task<ControlPlaneHost> StartAsync(PostgresFixture pg, Dictionary<string, string?>? overrides = null)
    {
        var host = new ControlPlaneHost();
        await host.Identity.InitializeAsync();
        host.Database = await pg.CreateDatabaseAsync("cp");
        var settings = host.Identity.AuthSettings();
        foreach (var (k, v) in host.Identity.ServiceAuthSettings("cmp-control-plane")) settings[k] = v;
        settings["ConnectionStrings:ControlPlane"] = host.Database;
        settings["Http:runner:BaseAddress"] = "http://127.0.0.1:9";   // unused: flows go to the fake deployer
        settings["Provisioning:BaseDelay"] = "00:00:00.050";
        settings["Provisioning:MaxDelay"] = "00:00:00.200";
        settings["Provisioning:PollInterval"] = "00:00:00.100";
        settings["Provisioning:MaxAttempts"] = "4";
        settings["Credits:ExpirySweepInterval"] = "00:00:00.200";
        foreach (var (k, v) in overrides ?? []) settings[k] = v;
        host.Service = new ServiceFactory<Cmp.ControlPlane.Program>(settings,
            b => b.ConfigureTestServices(s => s.AddSingleton<IFlowDeployer>(host.Flows)));
        host.Service.Start();
        return host;
    }

    public async Task<HttpClient> AdminAsync() => Service.CreateHttpClient(await Identity.AdminTokenAsync());
    public async Task<HttpClient> ProvisionerAsync() => Service.CreateHttpClient(await Identity.ClientTokenAsync("cmp-provisioner"));
    public async Task<HttpClient> GatewayAsync() => Service.CreateHttpClient(await Identity.ClientTokenAsync("cmp-gateway"));
    public async Task<HttpClient> BuyerAsync() => Service.CreateHttpClient(await Identity.BuyerTokenAsync());
    public async Task<HttpClient> OtherAsync() => Service.CreateHttpClient(await Identity.OtherTokenAsync());

    /// <summary>The demo catalog's shapes: an agent plan with included credits and a credit pack.</summary>
    public async Task SeedOfferingsAsync()
    {
        using var admin = await AdminAsync();
        await Put(admin, "CSA-PRO", new { kind = "agent", display_name = "Customer Support Agent Pro", price_minor = 4999, currency = "USD",
            flow_template = "customer-support-agent", credits_per_unit = 100, credits_per_run = 2, credits_per_1k_tokens = 0, max_credits_per_run = 0 });
        await Put(admin, "KBA-TOKENS", new { kind = "agent", display_name = "Knowledge Base Agent (per token)", price_minor = 2999, currency = "USD",
            flow_template = "knowledge-base-agent", credits_per_unit = 0, credits_per_run = 1, credits_per_1k_tokens = 4, max_credits_per_run = 20 });
        await Put(admin, "CREDITS-500", new { kind = "credits", display_name = "500 credits", price_minor = 4000, currency = "USD",
            flow_template = (string?)null, credits_per_unit = 500, credits_per_run = 0, credits_per_1k_tokens = 0, max_credits_per_run = 0 });
    }

    static async Task Put(HttpClient admin, string sku, object body)
    {
        using var r = await admin.PutAsJsonAsync($"/v1/offerings/{sku}", body);
        if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"seeding {sku}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
    }

    /// <summary>Creates (or finds) the tenant of an e-mail, as the provisioner does for an order.</summary>
    public async Task<Guid> TenantAsync(string email = "buyer@example.com")
    {
        using var svc = await ProvisionerAsync();
        using var r = await svc.PostAsJsonAsync("/v1/tenants", new { email });
        if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"resolve tenant: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
        return (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public async Task<JsonElement> CreateInstanceAsync(Guid tenant, string sku = "CSA-PRO", string? key = null)
    {
        using var svc = await ProvisionerAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/instances")
        {
            Content = JsonContent.Create(new { tenant_id = tenant, offering_sku = sku, source = new { order_id = "Order:1", line_id = "Line:1", unit = 0 } }),
        };
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString());
        using var r = await svc.SendAsync(request);
        var body = await r.Content.ReadFromJsonAsync<JsonElement>();
        if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"create instance: {(int)r.StatusCode} {body}");
        return body;
    }

    public async ValueTask DisposeAsync()
    {
        if (Service is not null) await Service.DisposeAsync();
        await Identity.DisposeAsync();
    }
}

/// <summary>Records flow imports and deletions; can be told to fail the next calls.</summary>
public sealed class FakeFlowDeployer : IFlowDeployer
{
    readonly ConcurrentQueue<Error> _failures = new();
    public ConcurrentDictionary<Guid, JsonObject> Imported { get; } = new();
    public ConcurrentBag<Guid> Deleted { get; } = [];
    int _importCalls;
    public int ImportCalls => _importCalls;

    public void FailNext(int times, Error error)
    {
        for (var i = 0; i < times; i++) _failures.Enqueue(error);
    }

    public Task<Result<Unit>> ImportAsync(Guid flowId, JsonObject flow, CancellationToken ct)
    {
        Interlocked.Increment(ref _importCalls);
        if (_failures.TryDequeue(out var error)) return Task.FromResult<Result<Unit>>(error);
        Imported[flowId] = flow;
        return Task.FromResult<Result<Unit>>(Unit.Value);
    }

    public Task<Result<Unit>> DeleteAsync(Guid flowId, CancellationToken ct)
    {
        if (_failures.TryDequeue(out var error)) return Task.FromResult<Result<Unit>>(error);
        Imported.TryRemove(flowId, out _);
        Deleted.Add(flowId);
        return Task.FromResult<Result<Unit>>(Unit.Value);
    }
}
