using Cmp.Provisioner.Features.InstallSaleorApp;
using Cmp.Testing.Hosting;
using Cmp.Testing.Postgres;
using Cmp.Testing.Simulators;

namespace Cmp.Bench.AgentCommerce;

/// <summary>
/// What the gateway's agent commerce needs, on loopback: a throwaway PostgreSQL, the identity server, the Saleor
/// simulator with the demo catalog installed by the provisioner's installer, and the gateway itself on real Kestrel
/// (in this process, so <see cref="SaleorTiming"/> can see its Saleor calls), logging at Warning.
/// </summary>
sealed class BenchWorld : IAsyncDisposable
{
    public const string PlatformKey = "bench-platform-key";
    public const string MerchantId = "cmp-bench";

    PgCluster _pg = null!;
    public IdentityFixture Identity { get; } = new();
    public SaleorSimulator Saleor { get; private set; } = null!;
    public ServiceFactory<Cmp.Gateway.Program> Gateway { get; private set; } = null!;

    /// <summary>The gateway's Saleor app token, so the baseline calls Saleor with the same permissions.</summary>
    public string SaleorAppToken { get; private set; } = "";

    public static async Task<BenchWorld> StartAsync(Action<string> say)
    {
        var world = new BenchWorld();
        try
        {
            say("PostgreSQL, identity server, Saleor simulator");
            var pg = PgCluster.StartEphemeralAsync();
            await world.Identity.InitializeAsync();
            world.Saleor = await SaleorSimulator.StartAsync(new Dictionary<string, string?> { ["SALEOR_SIM_LOG"] = "quiet" });
            world._pg = await pg;
            say("demo catalog (saleor install) and the gateway's Saleor app");
            await InstallAsync(world.Saleor);
            var (_, token) = await world.Saleor.CreateAppAsync("cmp-gateway", "cmp-gateway", ["HANDLE_PAYMENTS"]);
            world.SaleorAppToken = token;
            say("gateway");
            world.Gateway = new ServiceFactory<Cmp.Gateway.Program>(await world.SettingsAsync(token), SaleorTiming.Install);
            world.Gateway.Start();
            return world;
        }
        catch
        {
            await world.DisposeAsync();
            throw;
        }
    }

    async Task<Dictionary<string, string?>> SettingsAsync(string saleorToken)
    {
        var s = Identity.AuthSettings();
        foreach (var (k, v) in Identity.ServiceAuthSettings("cmp-gateway")) s[k] = v;
        s["Logging:LogLevel:Default"] = "Warning";
        s["ConnectionStrings:Gateway"] = await _pg.CreateDatabaseAsync("bench_gateway");
        s["Http:control-plane:BaseAddress"] = "http://127.0.0.1:9";
        s["Http:runner:BaseAddress"] = "http://127.0.0.1:9";
        s["Saleor:ApiUrl"] = Saleor.ApiUrl.ToString();
        s["Saleor:AppToken"] = saleorToken;
        s["Acp:Platforms:0:Id"] = "bench-platform";
        s["Acp:Platforms:0:ApiKey"] = PlatformKey;
        s["RateLimits:Enabled"] = "false";   // measure the checkout, not the bucket
        s["Acp:Merchant:Id"] = MerchantId;
        s["Payments:TestPsp:Enabled"] = "true";
        return s;
    }

    static async Task InstallAsync(SaleorSimulator saleor)
    {
        var tokenFile = Path.Combine(Path.GetTempPath(), $"cmp-bench-{Guid.NewGuid():N}");
        var error = new StringWriter();
        var exit = await SaleorInstallCommand.RunAsync(
            ["saleor", "install", "--api-url", saleor.ApiUrl.ToString(), "--email", SaleorSimulator.AdminEmail, "--password", SaleorSimulator.AdminPassword,
             "--demo-catalog", "--webhook-target", "http://127.0.0.1:9", "--token-file", tokenFile],
            TextWriter.Null, error, _ => null, CancellationToken.None);
        File.Delete(tokenFile);
        if (exit != 0) throw new InvalidOperationException($"saleor install exited {exit}: {error}");
    }

    public async ValueTask DisposeAsync()
    {
        if (Gateway is not null) await Gateway.DisposeAsync();
        if (Saleor is not null) await Saleor.DisposeAsync();
        await Identity.DisposeAsync();
        if (_pg is not null) await _pg.DisposeAsync();
    }
}
