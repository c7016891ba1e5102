using System.Net.Http.Json;
using System.Text.Json;
using Cmp.Testing;
using Cmp.Testing.Hosting;
using Cmp.Testing.Postgres;
using Cmp.Testing.Simulators;

namespace Cmp.Bench.Gateway;

/// <summary>
/// Everything co-located on loopback, each service in its own process (so memory and CPU are its own): PostgreSQL,
/// the Langflow simulator, the runner, the control plane and the gateway built in Release, plus the identity server
/// in this process (it only hands out the services' tokens, once each). Seeds one tenant with one Ready instance, a
/// large credit balance and an API key.
/// </summary>
/// <summary>How the gateway meters runs: credit leases (<c>Runs:CreditLeases</c>), or a reservation per run settled
/// before the answer (the default) or after it (<c>Runs:SettleBeforeResponse=false</c>).</summary>
public enum Metering { Leases, PerRun, PerRunSettledAfter }

/// <summary>One bench tenant: its instance, that instance's Langflow flow, and its API key.</summary>
public sealed record BenchTenant(Guid TenantId, Guid InstanceId, Guid FlowId, string ApiKey);

public sealed class BenchStack : IAsyncDisposable
{
    public const string LangflowKey = "sk-bench-langflow-3f9d";
    readonly List<IAsyncDisposable> _owned = [];

    public IdentityFixture Identity { get; } = new();
    public PgCluster Postgres { get; private set; } = null!;
    public SimulatorProcess Langflow { get; private set; } = null!;
    public ServiceProcess Runner { get; private set; } = null!;
    public ServiceProcess ControlPlane { get; private set; } = null!;
    public ServiceProcess Gateway { get; private set; } = null!;
    /// <summary>The bench's tenants, each with one Ready instance, a large balance and an API key.</summary>
    public List<BenchTenant> Tenants { get; } = [];
    public string GatewayDatabase { get; private set; } = "";

    public static async Task<BenchStack> StartAsync(bool logs, Metering metering, int tenants, Action<string> progress)
    {
        var stack = new BenchStack();
        try
        {
            await stack.StartAllAsync(logs, metering, tenants, progress);
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    async Task StartAllAsync(bool logs, Metering metering, int tenants, Action<string> progress)
    {
        progress("PostgreSQL, identity server, Langflow simulator");
        var pg = PgCluster.StartEphemeralAsync();
        var sim = SimulatorProcess.StartNodeAsync("langflow", new Dictionary<string, string?> { ["LANGFLOW_API_KEYS"] = LangflowKey, ["LOG_LEVEL"] = "silent" });
        await Identity.InitializeAsync();
        Postgres = await pg;
        _owned.Add(Postgres);
        Langflow = await sim;
        _owned.Add(Langflow);

        var common = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Auth__Authority"] = Identity.Server.Issuer,
            ["Auth__RequireHttpsMetadata"] = "false",
            ["ServiceAuth__TokenUrl"] = Identity.Server.TokenUrl,
            ["Logging__LogLevel__Default"] = logs ? "Information" : "Warning",
        };
        progress("runner");
        Runner = await StartAsync("runner", "Cmp.Runner", common, new()
        {
            ["Http__langflow__BaseAddress"] = Langflow.Url.ToString(),
            ["Langflow__ApiKey"] = LangflowKey,
        });
        progress("control plane");
        ControlPlane = await StartAsync("control-plane", "Cmp.ControlPlane", common, new()
        {
            ["ConnectionStrings__ControlPlane"] = await Postgres.CreateDatabaseAsync("bench_cp"),
            ["Http__runner__BaseAddress"] = Runner.Url.ToString(),
            ["ServiceAuth__ClientId"] = "cmp-control-plane",
            ["ServiceAuth__ClientSecret"] = "cmp-control-plane-secret",
            ["Provisioning__PollInterval"] = "00:00:00.200",
        });
        progress("gateway");
        Gateway = await StartAsync("gateway", "Cmp.Gateway", common, new()
        {
            ["ConnectionStrings__Gateway"] = GatewayDatabase = await Postgres.CreateDatabaseAsync("bench_gw"),
            ["Http__control-plane__BaseAddress"] = ControlPlane.Url.ToString(),
            ["Http__runner__BaseAddress"] = Runner.Url.ToString(),
            ["ServiceAuth__ClientId"] = "cmp-gateway",
            ["ServiceAuth__ClientSecret"] = "cmp-gateway-secret",
            // Settlements the control plane could not take at once are retried within seconds, so the final check
            // (credits charged = successful runs) does not wait a minute.
            ["Runs__SettlementGrace"] = "00:00:05",
            ["Runs__SettleBeforeResponse"] = metering == Metering.PerRunSettledAfter ? "false" : "true",
            ["Runs__CreditLeases"] = metering == Metering.Leases ? "true" : "false",
            ["Runs__SettlementInterval"] = "00:00:01",
            // The limiter stays in the path, with buckets far above the load.
            ["RateLimits__PerKey__TokenLimit"] = "1000000",
            ["RateLimits__PerKey__TokensPerPeriod"] = "1000000",
            ["RateLimits__PerTenant__TokenLimit"] = "1000000",
            ["RateLimits__PerTenant__TokensPerPeriod"] = "1000000",
        });
        progress($"{tenants} tenant(s), each with an instance (flow imported into Langflow), credits and an API key");
        await SeedAsync(tenants);
    }

    async Task<ServiceProcess> StartAsync(string folder, string assembly, Dictionary<string, string?> common, Dictionary<string, string?> own)
    {
        var env = new Dictionary<string, string?>(common);
        foreach (var (k, v) in own) env[k] = v;
        var dll = Path.Combine(RepoPaths.Root, "services", folder, "bin", "Release", "net10.0", assembly + ".dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"{dll} is missing: build with `make bench` (Release).");
        var service = await ServiceProcess.StartAsync(folder, dll, new Uri($"http://127.0.0.1:{FreePort.Next()}"), env);
        _owned.Add(service);
        return service;
    }

    async Task SeedAsync(int tenants)
    {
        using var admin = Client(ControlPlane.Url, await Identity.AdminTokenAsync());
        await Ok(await admin.PutAsJsonAsync("/v1/offerings/BENCH-AGENT", new
        {
            kind = "agent", display_name = "Bench agent", price_minor = 1000, currency = "USD", flow_template = "customer-support-agent",
            credits_per_unit = 0, credits_per_run = 1, credits_per_1k_tokens = 0, max_credits_per_run = 0,
        }));
        using var svc = Client(ControlPlane.Url, await Identity.ClientTokenAsync("cmp-provisioner"));
        for (var t = 0; t < tenants; t++)
        {
            var tenant = (await Ok(await svc.PostAsJsonAsync("/v1/tenants", new { email = $"bench{t}@example.com" }))).GetProperty("id").GetGuid();
            await Ok(await svc.SendAsync(Keyed(HttpMethod.Post, $"/v1/tenants/{tenant}/credits/grants", new { amount = 100_000_000 })));
            var instance = await Ok(await svc.SendAsync(Keyed(HttpMethod.Post, "/v1/instances",
                new { tenant_id = tenant, offering_sku = "BENCH-AGENT", source = new { order_id = $"Order:bench{t}", line_id = "Line:1", unit = 0 } })));
            var id = instance.GetProperty("id").GetGuid();
            await Poller.UntilAsync(async () =>
                (await Ok(await svc.GetAsync($"/v1/instances/{id}"))).GetProperty("status").GetString() == "Ready", "a bench instance to be Ready", TimeSpan.FromSeconds(60));
            var key = (await Ok(await svc.PostAsJsonAsync($"/v1/instances/{id}/keys", new { name = "bench" }))).GetProperty("key").GetString()!;
            Tenants.Add(new BenchTenant(tenant, id, instance.GetProperty("flow_id").GetGuid(), key));
        }
    }

    /// <summary>The sum of every tenant's balance, as the control plane's ledger has it.</summary>
    public async Task<long> BalanceAsync()
    {
        using var svc = Client(ControlPlane.Url, await Identity.ClientTokenAsync("cmp-provisioner"));
        long total = 0;
        foreach (var t in Tenants) total += (await Ok(await svc.GetAsync($"/v1/tenants/{t.TenantId}/credits"))).GetProperty("balance").GetInt64();
        return total;
    }

    /// <summary>What the gateway's run records say was committed, and how many settlements are still pending.</summary>
    public async Task<(long Committed, long Pending)> GatewayChargesAsync()
    {
        await using var c = new Npgsql.NpgsqlConnection(GatewayDatabase);
        await c.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(
            "SELECT coalesce(sum(credits_charged) FILTER (WHERE settlement = 'committed'), 0), count(*) FILTER (WHERE settlement = 'pending' OR status = 'running') FROM runs.runs", c);
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return (r.GetInt64(0), r.GetInt64(1));
    }

    /// <summary>How many credit leases the gateway opened (each is one reserve and one commit in the ledger).</summary>
    public async Task<long> LeasesAsync()
    {
        await using var c = new Npgsql.NpgsqlConnection(GatewayDatabase);
        await c.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("SELECT count(*) FROM runs.credit_leases", c);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>Forgets the simulator's chat memory and run log, which otherwise grow with every request.</summary>
    public async Task ResetSimulatorAsync()
    {
        using var sim = new HttpClient { BaseAddress = Langflow.Url };
        (await sim.PostAsJsonAsync("/_sim/reset", new { scope = "sessions" })).EnsureSuccessStatusCode();
        (await sim.DeleteAsync("/_sim/runs")).EnsureSuccessStatusCode();
    }

    static HttpClient Client(Uri url, string token)
    {
        var c = new HttpClient { BaseAddress = url };
        c.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return c;
    }

    static HttpRequestMessage Keyed(HttpMethod method, string path, object body)
    {
        var r = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        r.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        return r;
    }

    static async Task<JsonElement> Ok(HttpResponseMessage r)
    {
        using (r)
        {
            var text = await r.Content.ReadAsStringAsync();
            if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"{r.RequestMessage?.RequestUri}: {(int)r.StatusCode} {text}");
            return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            try { await _owned[i].DisposeAsync(); }
            catch (Exception e) { Console.Error.WriteLine($"stopping: {e.Message}"); }
        }
        await Identity.DisposeAsync();
    }
}
