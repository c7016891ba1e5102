using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Cmp.Testing;
using Cmp.Testing.Hosting;
using Cmp.Testing.Postgres;
using Cmp.Testing.Simulators;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Cmp.Gateway.Tests.Support;

/// <summary>
/// The platform a gateway runs in, for real on loopback: PostgreSQL, the identity server (Keycloak stand-in), the
/// Langflow simulator (a node process), the runner, the control plane (which imports instance flows through that
/// runner) and a gateway. Tests create their own tenants, instances, credits and keys, so they never share balances;
/// they do share the simulator, whose faults they reset.
/// </summary>
public sealed class Platform : IAsyncLifetime
{
    public const string LangflowKey = "sk-gateway-tests-4e1a9c";

    /// <summary>Flat price: 1 credit per run.</summary>
    public const string FlatSku = "GW-FLAT";
    /// <summary>Token price: 1 credit per run + 100 per 1k tokens, at most 20 (what a run reserves).</summary>
    public const string TokenSku = "GW-TOKENS";

    readonly ConcurrentDictionary<string, (string Token, DateTime At)> _tokens = new();

    public PostgresFixture Postgres { get; } = new();
    public IdentityFixture Identity { get; } = new();
    public SimulatorProcess Langflow { get; private set; } = null!;
    public HttpClient Sim { get; private set; } = null!;
    public ServiceFactory<Cmp.Runner.Program> Runner { get; private set; } = null!;
    public ServiceFactory<Cmp.ControlPlane.Program> ControlPlane { get; private set; } = null!;
    public TestGateway Gateway { get; private set; } = null!;
    public string GatewayDatabase { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var sim = SimulatorProcess.StartNodeAsync("langflow", new Dictionary<string, string?> { ["LANGFLOW_API_KEYS"] = LangflowKey, ["LOG_LEVEL"] = "silent" });
        await Task.WhenAll(Postgres.InitializeAsync().AsTask(), Identity.InitializeAsync().AsTask());
        Langflow = await sim;
        Sim = new HttpClient { BaseAddress = Langflow.Url };

        var runner = Identity.AuthSettings();
        runner["Http:langflow:BaseAddress"] = Langflow.Url.ToString();
        runner["Http:langflow:BaseDelay"] = "00:00:00.020";
        runner["Http:langflow:AttemptTimeout"] = "00:00:03";   // a hung Langflow fails fast in tests
        runner["Langflow:StreamIdleTimeout"] = "00:00:03";
        runner["Langflow:ApiKey"] = LangflowKey;
        Runner = new ServiceFactory<Cmp.Runner.Program>(runner);
        Runner.Start();

        var cp = Identity.AuthSettings();
        foreach (var (k, v) in Identity.ServiceAuthSettings("cmp-control-plane")) cp[k] = v;
        cp["ConnectionStrings:ControlPlane"] = await Postgres.CreateDatabaseAsync("cp");
        cp["Http:runner:BaseAddress"] = Runner.Url.ToString();
        cp["Provisioning:BaseDelay"] = "00:00:00.050";
        cp["Provisioning:MaxDelay"] = "00:00:00.200";
        cp["Provisioning:PollInterval"] = "00:00:00.050";
        cp["Credits:ExpirySweepInterval"] = "00:00:00.200";
        ControlPlane = new ServiceFactory<Cmp.ControlPlane.Program>(cp);
        ControlPlane.Start();
        await SeedOfferingsAsync();

        GatewayDatabase = await Postgres.CreateDatabaseAsync("gw");
        Gateway = StartGateway();
    }

    /// <summary>The settings of a gateway wired to this platform; tests override some (short caches, tight limits).</summary>
    public Dictionary<string, string?> GatewaySettings(Dictionary<string, string?>? overrides = null)
    {
        var s = Identity.AuthSettings();
        foreach (var (k, v) in Identity.ServiceAuthSettings("cmp-gateway")) s[k] = v;
        s["ConnectionStrings:Gateway"] = GatewayDatabase;
        s["Http:control-plane:BaseAddress"] = ControlPlane.Url.ToString();
        s["Http:control-plane:BaseDelay"] = "00:00:00.020";
        s["Http:runner:BaseAddress"] = Runner.Url.ToString();
        s["Widget:SigningKey"] = "gateway-tests-widget-signing-key-5f2b8c1d9e";
        s["RateLimits:PerKey:TokenLimit"] = "1000";
        s["RateLimits:PerKey:TokensPerPeriod"] = "1000";
        s["RateLimits:PerTenant:TokenLimit"] = "1000";
        s["RateLimits:PerTenant:TokensPerPeriod"] = "1000";
        s["Runs:SettlementInterval"] = "00:00:00.100";
        s["Runs:SettlementGrace"] = "00:00:00.300";
        s["Runs:SettlementMaxBackoff"] = "00:00:00.500";
        foreach (var (k, v) in overrides ?? []) s[k] = v;
        return s;
    }

    /// <summary>Another gateway on the same platform and database (the caller disposes it).</summary>
    public TestGateway StartGateway(Dictionary<string, string?>? overrides = null, Action<IServiceCollection>? services = null) =>
        Launch(GatewaySettings(overrides), services);

    /// <summary>A gateway with a database of its own: no other gateway's settlement worker touches its runs.</summary>
    public async Task<TestGateway> StartIsolatedGatewayAsync(Dictionary<string, string?>? overrides = null)
    {
        var settings = GatewaySettings(overrides);
        settings["ConnectionStrings:Gateway"] = await Postgres.CreateDatabaseAsync("gw_own");
        return Launch(settings, null);
    }

    TestGateway Launch(Dictionary<string, string?> settings, Action<IServiceCollection>? services)
    {
        var gateway = new TestGateway();
        gateway.Service = new ServiceFactory<Cmp.Gateway.Program>(settings, b => b.ConfigureTestServices(s =>
        {
            gateway.Install(s);
            services?.Invoke(s);
        }));
        gateway.Service.Start();
        return gateway;
    }

    // ---- control plane, as the platform team and the provisioner use it -------------------------------------------

    public Task<HttpClient> AdminAsync() => ClientAsync(ControlPlane, "cmp-cli");
    public Task<HttpClient> ProvisionerAsync() => ClientAsync(ControlPlane, "cmp-provisioner");

    async Task<HttpClient> ClientAsync<T>(ServiceFactory<T> service, string clientId) where T : class =>
        service.CreateHttpClient(await ClientTokenAsync(clientId));

    public async Task<string> ClientTokenAsync(string clientId)
    {
        if (_tokens.TryGetValue(clientId, out var t) && DateTime.UtcNow - t.At < TimeSpan.FromMinutes(3)) return t.Token;
        var token = await Identity.ClientTokenAsync(clientId);
        _tokens[clientId] = (token, DateTime.UtcNow);
        return token;
    }

    async Task SeedOfferingsAsync()
    {
        using var admin = await AdminAsync();
        await Ok(await admin.PutAsJsonAsync($"/v1/offerings/{FlatSku}", new
        {
            kind = "agent", display_name = "Gateway test agent (flat)", price_minor = 1000, currency = "USD", flow_template = "customer-support-agent",
            credits_per_unit = 0, credits_per_run = 1, credits_per_1k_tokens = 0, max_credits_per_run = 0,
        }), "seed flat offering");
        await Ok(await admin.PutAsJsonAsync($"/v1/offerings/{TokenSku}", new
        {
            kind = "agent", display_name = "Gateway test agent (tokens)", price_minor = 1000, currency = "USD", flow_template = "customer-support-agent",
            credits_per_unit = 0, credits_per_run = 1, credits_per_1k_tokens = 100, max_credits_per_run = 20,
        }), "seed token offering");
    }

    /// <summary>A new tenant (unique e-mail unless given) with one Ready instance of <paramref name="sku"/>, credits and an API key.</summary>
    public async Task<Account> AccountAsync(string sku = FlatSku, long credits = 100, string? email = null)
    {
        var tenant = await TenantAsync(email ?? $"t{Guid.NewGuid():N}@example.com");
        if (credits > 0) await GrantAsync(tenant, credits);
        var instance = await InstanceAsync(tenant, sku);
        var (keyId, key) = await IssueKeyAsync(instance);
        return new Account(tenant, instance, keyId, key, sku);
    }

    public async Task<Guid> TenantAsync(string email)
    {
        using var svc = await ProvisionerAsync();
        var body = await Ok(await svc.PostAsJsonAsync("/v1/tenants", new { email }), "resolve tenant");
        return body.GetProperty("id").GetGuid();
    }

    public async Task GrantAsync(Guid tenant, long amount)
    {
        using var svc = await ProvisionerAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/tenants/{tenant}/credits/grants") { Content = JsonContent.Create(new { amount }) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        await Ok(await svc.SendAsync(request), "grant credits");
    }

    /// <summary>Creates an instance and waits until the control plane imported its flow (Ready).</summary>
    public async Task<Guid> InstanceAsync(Guid tenant, string sku = FlatSku, bool waitReady = true)
    {
        using var svc = await ProvisionerAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/instances")
        {
            Content = JsonContent.Create(new { tenant_id = tenant, offering_sku = sku, source = new { order_id = $"Order:{Guid.NewGuid():N}", line_id = "Line:1", unit = 0 } }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var id = (await Ok(await svc.SendAsync(request), "create instance")).GetProperty("id").GetGuid();
        if (waitReady) await Poller.UntilAsync(async () => await InstanceStatusAsync(id) == "Ready", $"instance {id} to become Ready");
        return id;
    }

    public async Task<string> InstanceStatusAsync(Guid instance)
    {
        using var svc = await ProvisionerAsync();
        return (await Ok(await svc.GetAsync($"/v1/instances/{instance}"), "get instance")).GetProperty("status").GetString()!;
    }

    public async Task<(Guid Id, string Key)> IssueKeyAsync(Guid instance)
    {
        using var svc = await ProvisionerAsync();
        var body = await Ok(await svc.PostAsJsonAsync($"/v1/instances/{instance}/keys", new { name = "tests" }), "issue key");
        return (body.GetProperty("id").GetGuid(), body.GetProperty("key").GetString()!);
    }

    public async Task RevokeKeyAsync(Guid keyId)
    {
        using var svc = await ProvisionerAsync();
        await Ok(await svc.DeleteAsync($"/v1/keys/{keyId}"), "revoke key");
    }

    public async Task SuspendAsync(Guid instance)
    {
        using var svc = await ProvisionerAsync();
        await Ok(await svc.PostAsJsonAsync($"/v1/instances/{instance}/suspend", new { reason = "tests" }), "suspend");
    }

    public async Task<Credits> CreditsAsync(Guid tenant)
    {
        using var svc = await ProvisionerAsync();
        var b = await Ok(await svc.GetAsync($"/v1/tenants/{tenant}/credits"), "credits");
        return new Credits(b.GetProperty("balance").GetInt64(), b.GetProperty("reserved").GetInt64(), b.GetProperty("available").GetInt64());
    }

    /// <summary>The tenant's ledger, oldest first.</summary>
    public async Task<List<LedgerEntry>> LedgerAsync(Guid tenant)
    {
        using var svc = await ProvisionerAsync();
        var b = await Ok(await svc.GetAsync($"/v1/tenants/{tenant}/credits/entries?limit=500"), "ledger");
        return b.GetProperty("items").EnumerateArray()
            .Select(e => new LedgerEntry(e.GetProperty("kind").GetString()!, e.GetProperty("amount").GetInt64(),
                e.TryGetProperty("reservation_id", out var r) && r.ValueKind == JsonValueKind.String ? r.GetGuid() : null,
                e.GetProperty("balance_after").GetInt64()))
            .Reverse().ToList();
    }

    public async Task<JsonElement> ReservationAsync(Guid id)
    {
        using var svc = await ProvisionerAsync();
        return await Ok(await svc.GetAsync($"/v1/reservations/{id}"), "reservation");
    }

    // ---- the Langflow simulator --------------------------------------------------------------------------------------

    /// <summary>Disarms every fault and forgets recorded runs, so each test starts clean.</summary>
    public async Task ResetSimAsync()
    {
        (await Sim.PostAsJsonAsync("/_sim/reset", new { scope = "faults" })).EnsureSuccessStatusCode();
        (await Sim.DeleteAsync("/_sim/runs")).EnsureSuccessStatusCode();
        (await Sim.PostAsJsonAsync("/_sim/down", new { mode = "up" })).EnsureSuccessStatusCode();
    }

    public async Task ArmAsync(string knob, object spec) => (await Sim.PostAsJsonAsync($"/_sim/{knob}", spec)).EnsureSuccessStatusCode();

    public async Task<List<JsonElement>> SimRunsAsync() =>
        (await Sim.GetFromJsonAsync<JsonElement>("/_sim/runs")).GetProperty("runs").EnumerateArray().ToList();

    static async Task<JsonElement> Ok(HttpResponseMessage r, string what)
    {
        using (r)
        {
            var text = await r.Content.ReadAsStringAsync();
            if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"{what}: {(int)r.StatusCode} {text}");
            return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Gateway is not null) await Gateway.DisposeAsync();
        if (ControlPlane is not null) await ControlPlane.DisposeAsync();
        if (Runner is not null) await Runner.DisposeAsync();
        Sim?.Dispose();
        if (Langflow is not null) await Langflow.DisposeAsync();
        await Identity.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}

/// <summary>A tenant with one instance, credits and an instance API key.</summary>
public sealed record Account(Guid TenantId, Guid InstanceId, Guid KeyId, string Key, string Sku);

public sealed record Credits(long Balance, long Reserved, long Available);

public sealed record LedgerEntry(string Kind, long Amount, Guid? ReservationId, long BalanceAfter);
