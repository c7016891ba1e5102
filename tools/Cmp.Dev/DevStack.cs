using System.Diagnostics;
using Cmp.Simulators.Identity;
using Cmp.Testing;
using Cmp.Testing.Hosting;
using Cmp.Testing.Postgres;
using Cmp.Testing.Simulators;

namespace Cmp.Dev;

/// <summary>One row of the table printed when the platform is up.</summary>
public sealed record DevEndpoint(string Component, string Url, string Authentication);

/// <summary>
/// The whole platform on loopback: PostgreSQL (under .cmp/, fresh on every start), the identity server, the Saleor and
/// Langflow simulators, and the four services as separate processes configured exactly as they would be in a
/// cluster (only URLs and secrets differ). Disposing stops everything it started, in reverse order.
/// </summary>
public sealed class DevStack : IAsyncDisposable
{
    readonly List<IAsyncDisposable> _started = [];
    readonly List<(string Name, int Pid)> _pids = [];
    readonly DevPorts _ports;

    DevStack(DevPorts ports) => _ports = ports;

    public static string StateDir => Path.Combine(RepoPaths.Root, ".cmp");
    static string PidFile => Path.Combine(StateDir, "dev", "pids");

    public string PostgresConnection { get; private set; } = "";
    public IdentityServer Identity { get; private set; } = null!;
    public List<DevEndpoint> Endpoints { get; } = [];

    public static async Task<DevStack> StartAsync(DevPorts ports, Action<string> progress, CancellationToken ct)
    {
        await StopLeftoversAsync(progress);
        var stack = new DevStack(ports);
        try
        {
            await stack.StartAllAsync(progress, ct);
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    async Task StartAllAsync(Action<string> progress, CancellationToken ct)
    {
        var p = _ports;
        progress("PostgreSQL");
        if (Environment.GetEnvironmentVariable("CMP_POSTGRES") is { Length: > 0 } external)
        {
            PostgresConnection = external;
        }
        else
        {
            var cluster = await PgCluster.StartFreshAsync(Path.Combine(StateDir, "pg"), p.Postgres, ct);
            _started.Add(cluster);
            PostgresConnection = cluster.ConnectionString();
        }
        Endpoints.Add(new("PostgreSQL", $"127.0.0.1:{p.Postgres}", "user postgres (trust, loopback only)"));

        progress("identity server (Keycloak stand-in)");
        Identity = await IdentityServer.StartAsync(DevPorts.Loopback(p.Identity).ToString());
        _started.Add(Identity);
        Endpoints.Add(new("identity (Keycloak API)", Identity.Issuer, "cmp-cli / cmp-cli-secret; buyer@example.com / buyer"));

        progress("Saleor simulator");
        await Track(await SimulatorProcess.StartNodeAsync("saleor", new Dictionary<string, string?> { ["PORT"] = p.Saleor.ToString() }));
        Endpoints.Add(new("Saleor (simulator)", $"{DevPorts.Loopback(p.Saleor)}graphql/", "admin@example.com / admin"));

        progress("Saleor app, webhooks and demo catalog (saleor install)");
        var saleorApi = $"{DevPorts.Loopback(p.Saleor)}graphql/";
        var saleorToken = await InstallSaleorAsync(saleorApi, DevPorts.Loopback(p.Provisioner), ct);

        progress("Langflow simulator");
        await Track(await SimulatorProcess.StartNodeAsync("langflow", new Dictionary<string, string?> { ["PORT"] = p.Langflow.ToString() }));
        Endpoints.Add(new("Langflow (simulator)", DevPorts.Loopback(p.Langflow).ToString(), "x-api-key: sk-dev-langflow"));

        var common = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Auth__Authority"] = Identity.Issuer,
            ["ServiceAuth__TokenUrl"] = Identity.TokenUrl,
        };
        await StartService("runner", "Cmp.Runner", p.Runner, common, new()
        {
            ["Http__langflow__BaseAddress"] = DevPorts.Loopback(p.Langflow).ToString(),
        }, "cmp-service token (internal)", progress, ct);
        await StartService("control-plane", "Cmp.ControlPlane", p.ControlPlane, common, new()
        {
            ["ConnectionStrings__ControlPlane"] = Database("cmp_control_plane"),
            ["Http__runner__BaseAddress"] = DevPorts.Loopback(p.Runner).ToString(),
            // Offerings as code without a cluster: the operator reads the AgentOffering objects Argo CD would sync.
            // Saleor already has these products (saleor install --demo-catalog), so it only fills the database.
            ["Operator__Enabled"] = "true",
            ["Operator__Source"] = "File",
            ["Operator__File__Paths__0"] = DemoOfferings.YamlPath,
        }, "Bearer token: cmp-cli (platform-admin) or a tenant user", progress, ct);
        progress($"demo offerings (operator, file mode: {Path.GetRelativePath(RepoPaths.Root, DemoOfferings.YamlPath)})");
        using (var admin = new HttpClient { BaseAddress = DevPorts.Loopback(p.ControlPlane) })
        {
            admin.DefaultRequestHeaders.Authorization = new("Bearer", await AdminTokenAsync(ct));
            await DemoOfferings.WaitDeclaredAsync(admin, TimeSpan.FromSeconds(60), ct);
        }
        await StartService("provisioner", "Cmp.Provisioner", p.Provisioner, common, new()
        {
            ["ConnectionStrings__Provisioner"] = Database("cmp_provisioner"),
            ["Http__control-plane__BaseAddress"] = DevPorts.Loopback(p.ControlPlane).ToString(),
            ["Saleor__ApiUrl"] = saleorApi,
            ["Saleor__AppToken"] = saleorToken,
        }, "Saleor webhooks (JWS); admin API: cmp-cli token", progress, ct);
        await StartService("gateway", "Cmp.Gateway", p.Gateway, common, new()
        {
            ["ConnectionStrings__Gateway"] = Database("cmp_gateway"),
            ["Http__control-plane__BaseAddress"] = DevPorts.Loopback(p.ControlPlane).ToString(),
            ["Http__runner__BaseAddress"] = DevPorts.Loopback(p.Runner).ToString(),

            // Agent commerce (ACP, MCP, feeds) over the simulator, paying through the gateway's own Saleor app.
            ["Saleor__ApiUrl"] = saleorApi,
            ["Saleor__AppToken"] = await CreateGatewaySaleorAppAsync(saleorApi, ct),
        }, "instance API key (Bearer cmp_…) or Keycloak token", progress, ct);
        Endpoints.Add(new("ACP (agent platforms)", $"{DevPorts.Loopback(p.Gateway)}acp", "Bearer acp-dev-key; API-Version 2026-04-17 or 2025-09-29"));
        Endpoints.Add(new("MCP (Streamable HTTP)", $"{DevPorts.Loopback(p.Gateway)}mcp", "buyer's Keycloak token (buyer@example.com / buyer)"));
        await SavePidsAsync();
    }

    async Task<string> AdminTokenAsync(CancellationToken ct)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(Identity.TokenUrl, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "cmp-cli", ["client_secret"] = "cmp-cli-secret",
        }), ct);
        response.EnsureSuccessStatusCode();
        var body = await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(response.Content, ct);
        return body.GetProperty("access_token").GetString()!;
    }

    /// <summary>The gateway's own Saleor app (HANDLE_PAYMENTS records agent-commerce payments as transactions), created
    /// as an operator would: staff login, then appCreate.</summary>
    static async Task<string> CreateGatewaySaleorAppAsync(string apiUrl, CancellationToken ct)
    {
        var anonymous = Cmp.Saleor.Client.SaleorClientFactory.Create(new Uri(apiUrl), null);
        var login = await anonymous.ExecuteAsync<System.Text.Json.JsonElement>("TokenCreate",
            new { email = SaleorSimulator.AdminEmail, password = SaleorSimulator.AdminPassword }, ct);
        var staff = anonymous.WithToken(login.Value.GetProperty("tokenCreate").GetProperty("token").GetString());
        var app = await staff.ExecuteAsync<System.Text.Json.JsonElement>("AppCreate",
            new { input = new { name = "CMP gateway (agent commerce)", permissions = new[] { "HANDLE_PAYMENTS" } } }, ct);
        if (!app.IsSuccess) throw new InvalidOperationException($"creating the gateway's Saleor app failed: {app.Error}");
        return app.Value.GetProperty("appCreate").GetProperty("authToken").GetString()
               ?? throw new InvalidOperationException("appCreate returned no token: " + app.Value);
    }

    /// <summary>Runs the provisioner's own installer against the simulator, as an operator would against real Saleor,
    /// and returns the app token it wrote (the simulator starts empty, so every start is a fresh install).</summary>
    static async Task<string> InstallSaleorAsync(string apiUrl, Uri provisioner, CancellationToken ct)
    {
        var tokenFile = Path.Combine(StateDir, "dev", "saleor-app-token");
        var psi = new ProcessStartInfo("dotnet", [ServiceProcess.Dll("provisioner", "Cmp.Provisioner"), "saleor", "install",
            "--api-url", apiUrl, "--email", SaleorSimulator.AdminEmail, "--demo-catalog",
            "--webhook-target", provisioner.ToString().TrimEnd('/'), "--token-file", tokenFile])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["SALEOR_PASSWORD"] = SaleorSimulator.AdminPassword;
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the Saleor installer");
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var errors = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"saleor install exited with {process.ExitCode}:{Environment.NewLine}{await output}{await errors}");
        return (await File.ReadAllTextAsync(tokenFile, ct)).Trim();
    }

    async Task StartService(string folder, string assembly, int port, Dictionary<string, string?> common,
        Dictionary<string, string?> own, string auth, Action<string> progress, CancellationToken ct)
    {
        progress(folder);
        var env = new Dictionary<string, string?>(common);
        foreach (var (k, v) in own) env[k] = v;
        var service = await ServiceProcess.StartAsync(folder, ServiceProcess.Dll(folder, assembly), DevPorts.Loopback(port), env, ct: ct);
        _started.Add(service);
        _pids.Add((folder, service.ProcessId));
        Endpoints.Add(new(folder, service.Url.ToString(), auth));
    }

    async Task Track(SimulatorProcess sim)
    {
        _started.Add(sim);
        _pids.Add((sim.Name, sim.ProcessId));
        await SavePidsAsync();
    }

    string Database(string name) => new Npgsql.NpgsqlConnectionStringBuilder(PostgresConnection) { Database = name }.ConnectionString;

    async Task SavePidsAsync()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(PidFile)!);
        await File.WriteAllLinesAsync(PidFile, _pids.Select(x => $"{x.Name} {x.Pid}"));
    }

    /// <summary>A launcher that was killed cannot stop its children; the next start does.</summary>
    static async Task StopLeftoversAsync(Action<string> progress)
    {
        if (!File.Exists(PidFile)) return;
        foreach (var line in await File.ReadAllLinesAsync(PidFile))
        {
            var parts = line.Split(' ');
            if (parts.Length != 2 || !int.TryParse(parts[1], out var pid)) continue;
            try
            {
                using var p = Process.GetProcessById(pid);
                if (p.HasExited || p.ProcessName is not ("dotnet" or "node")) continue;
                progress($"stopping leftover {parts[0]} (pid {pid})");
                p.Kill(entireProcessTree: true);
                await p.WaitForExitAsync();
            }
            catch (ArgumentException) { }
            catch (InvalidOperationException) { }
        }
        File.Delete(PidFile);
    }

    /// <summary>True when a stack (e.g. `make dev` in another terminal) already answers on these ports.</summary>
    public static async Task<bool> IsRunningAsync(DevPorts ports)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        foreach (var port in new[] { ports.Gateway, ports.ControlPlane, ports.Provisioner, ports.Runner })
        {
            try
            {
                using var r = await http.GetAsync(new Uri(DevPorts.Loopback(port), "/healthz"));
                if (!r.IsSuccessStatusCode) return false;
            }
            catch (HttpRequestException) { return false; }
            catch (TaskCanceledException) { return false; }
        }
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _started.Count - 1; i >= 0; i--)
        {
            try { await _started[i].DisposeAsync(); }
            catch (Exception e) when (e is InvalidOperationException or IOException) { Console.Error.WriteLine($"stop: {e.Message}"); }
        }
        _started.Clear();
        if (File.Exists(PidFile)) File.Delete(PidFile);
    }
}
