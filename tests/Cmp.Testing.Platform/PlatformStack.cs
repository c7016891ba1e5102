using Cmp.Provisioner.Features.InstallSaleorApp;
using Cmp.Testing.Hosting;
using Cmp.Testing.Postgres;
using Cmp.Testing.Simulators;
using Microsoft.AspNetCore.Hosting;

namespace Cmp.Testing.Platform;

/// <summary>What to run, and how fast the background machinery should go in tests.</summary>
public sealed record PlatformOptions
{
    /// <summary>Run the provisioner as a separate process (so a test can kill it) instead of in-process.</summary>
    public bool ProvisionerAsProcess { get; init; }

    /// <summary>Extra settings for the control plane / provisioner (e.g. to slow down retries).</summary>
    public Dictionary<string, string?> ControlPlaneSettings { get; init; } = [];
    public Dictionary<string, string?> ProvisionerSettings { get; init; } = [];

    /// <summary>Hooks to add test-only middleware to the control plane (e.g. fault injection).</summary>
    public Action<IWebHostBuilder>? ConfigureControlPlane { get; init; }
}

/// <summary>
/// The platform as it runs in production, on loopback: the identity server, the Saleor and Langflow simulators, and
/// the runner, control plane and provisioner on real Kestrel with their own PostgreSQL databases. Saleor is prepared
/// by the real installer (`saleor install --demo-catalog`) pointing its webhooks at the provisioner, and the control
/// plane holds the demo offerings. Every component talks to the others over real HTTP with real tokens.
/// </summary>
public sealed class PlatformStack : IAsyncDisposable
{
    readonly List<IAsyncDisposable> _owned = [];
    readonly Func<string, Task<string>> _createDatabase;
    readonly PlatformOptions _options;

    PlatformStack(Func<string, Task<string>> createDatabase, PlatformOptions options)
    {
        _createDatabase = createDatabase;
        _options = options;
    }

    public IdentityFixture Identity { get; } = new();
    public SaleorSimulator Saleor { get; private set; } = null!;
    public SimulatorProcess Langflow { get; private set; } = null!;
    public ServiceFactory<Cmp.Runner.Program> Runner { get; private set; } = null!;
    public ServiceFactory<Cmp.ControlPlane.Program> ControlPlane { get; private set; } = null!;
    public ServiceFactory<Cmp.Provisioner.Program>? ProvisionerInProcess { get; private set; }
    public ServiceProcess? ProvisionerProcess { get; private set; }
    public Uri ProvisionerUrl { get; private set; } = null!;
    public string SaleorAppToken { get; private set; } = "";
    public string ControlPlaneDatabase { get; private set; } = "";
    public string ProvisionerDatabase { get; private set; } = "";
    public SaleorShopper Shopper { get; private set; } = null!;

    public static Task<PlatformStack> StartAsync(PostgresFixture pg, PlatformOptions? options = null) =>
        StartAsync(pg.CreateDatabaseAsync, options);

    /// <param name="createDatabase">Creates a fresh database named after the prefix and returns its connection string.</param>
    public static async Task<PlatformStack> StartAsync(Func<string, Task<string>> createDatabase, PlatformOptions? options = null)
    {
        var stack = new PlatformStack(createDatabase, options ?? new PlatformOptions());
        try
        {
            await stack.StartAllAsync();
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    async Task StartAllAsync()
    {
        await Identity.InitializeAsync();
        Saleor = await SaleorSimulator.StartAsync();
        _owned.Add(Saleor);
        Shopper = new SaleorShopper(Saleor);
        Langflow = await SimulatorProcess.StartNodeAsync("langflow", new Dictionary<string, string?> { ["LOG_LEVEL"] = "silent" });
        _owned.Add(Langflow);

        var runner = Identity.AuthSettings();
        runner["Http:langflow:BaseAddress"] = Langflow.Url.ToString();
        runner["Langflow:ApiKey"] = "sk-dev-langflow";
        Runner = Start(new ServiceFactory<Cmp.Runner.Program>(runner));

        ControlPlaneDatabase = await _createDatabase("platform_cp");
        var cp = Identity.AuthSettings();
        foreach (var (k, v) in Identity.ServiceAuthSettings("cmp-control-plane")) cp[k] = v;
        cp["ConnectionStrings:ControlPlane"] = ControlPlaneDatabase;
        cp["Http:runner:BaseAddress"] = Runner.Url.ToString();
        cp["Provisioning:BaseDelay"] = "00:00:00.100";
        cp["Provisioning:MaxDelay"] = "00:00:01";
        cp["Provisioning:PollInterval"] = "00:00:00.200";
        foreach (var (k, v) in _options.ControlPlaneSettings) cp[k] = v;
        ControlPlane = Start(new ServiceFactory<Cmp.ControlPlane.Program>(cp, _options.ConfigureControlPlane));
        await SeedOfferingsAsync();

        // Saleor must know where the provisioner will listen before the provisioner can know its app token.
        var port = FreePort.Next();
        ProvisionerUrl = new Uri($"http://127.0.0.1:{port}");
        SaleorAppToken = await InstallSaleorAsync(ProvisionerUrl);

        ProvisionerDatabase = await _createDatabase("platform_prov");
        await StartProvisionerAsync();
    }

    /// <summary>The provisioner's settings, as the Helm chart would set them.</summary>
    public Dictionary<string, string?> ProvisionerSettings()
    {
        var p = Identity.AuthSettings();
        foreach (var (k, v) in Identity.ServiceAuthSettings("cmp-provisioner")) p[k] = v;
        p["ConnectionStrings:Provisioner"] = ProvisionerDatabase;
        p["Http:control-plane:BaseAddress"] = ControlPlane.Url.ToString();
        p["Saleor:ApiUrl"] = Saleor.ApiUrl.ToString();
        p["Saleor:AppToken"] = SaleorAppToken;
        p["Inbox:BaseDelay"] = "00:00:00.100";
        p["Inbox:MaxDelay"] = "00:00:01";
        p["Inbox:PollInterval"] = "00:00:00.200";
        p["Inbox:Lease"] = "00:00:05";
        // Fast retries burn attempts quickly, so allow many; and let open circuits close again within a test's patience.
        p["Inbox:MaxAttempts"] = "200";
        p["Http:control-plane:BreakDuration"] = "00:00:02";
        p["Http:saleor:BreakDuration"] = "00:00:02";
        foreach (var (k, v) in _options.ProvisionerSettings) p[k] = v;
        return p;
    }

    /// <summary>Starts the provisioner (again, after a test killed it) on its fixed port.</summary>
    public async Task StartProvisionerAsync()
    {
        var settings = ProvisionerSettings();
        if (_options.ProvisionerAsProcess)
        {
            var env = settings.ToDictionary(kv => kv.Key.Replace(":", "__", StringComparison.Ordinal), kv => kv.Value);
            env["DOTNET_ENVIRONMENT"] = "Testing";
            ProvisionerProcess = await ServiceProcess.StartAsync("provisioner", ServiceProcess.Dll("provisioner", "Cmp.Provisioner"), ProvisionerUrl, env);
        }
        else
        {
            ProvisionerInProcess = new ServiceFactory<Cmp.Provisioner.Program>(settings);
            ProvisionerInProcess.Start(ProvisionerUrl.Port);
            _owned.Add(ProvisionerInProcess);
        }
    }

    /// <summary>Kills the provisioner process at once, as a crash would.</summary>
    public void KillProvisioner()
    {
        if (ProvisionerProcess is null) throw new InvalidOperationException("Start the stack with ProvisionerAsProcess to kill the provisioner.");
        ProvisionerProcess.Kill();
    }

    async Task<string> InstallSaleorAsync(Uri webhookTarget)
    {
        var tokenFile = Path.Combine(Path.GetTempPath(), $"cmp-saleor-token-{Guid.NewGuid():N}");
        var output = new StringWriter();
        var error = new StringWriter();
        try
        {
            var exit = await SaleorInstallCommand.RunAsync(
                ["saleor", "install", "--api-url", Saleor.ApiUrl.ToString(), "--email", SaleorSimulator.AdminEmail, "--password", SaleorSimulator.AdminPassword,
                 "--webhook-target", webhookTarget.ToString(), "--demo-catalog", "--token-file", tokenFile],
                output, error, _ => null, CancellationToken.None);
            if (exit != 0) throw new InvalidOperationException($"saleor install failed ({exit}):\n{output}\n{error}");
            return (await File.ReadAllTextAsync(tokenFile)).Trim();
        }
        finally
        {
            File.Delete(tokenFile);
        }
    }

    async Task SeedOfferingsAsync()
    {
        using var admin = ControlPlane.CreateHttpClient(await Identity.AdminTokenAsync());
        await DemoOfferings.DeclareAsync(admin);
    }

    ServiceFactory<T> Start<T>(ServiceFactory<T> factory) where T : class
    {
        factory.Start();
        _owned.Add(factory);
        return factory;
    }

    public async ValueTask DisposeAsync()
    {
        if (ProvisionerProcess is not null) await ProvisionerProcess.DisposeAsync();
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            try { await _owned[i].DisposeAsync(); }
            catch (Exception e) when (e is InvalidOperationException or IOException or ObjectDisposedException) { }
        }
        await Identity.DisposeAsync();
    }
}
