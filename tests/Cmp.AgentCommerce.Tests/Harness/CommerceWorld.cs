using System.Text.Json;
using Cmp.Hosting.Http;
using Cmp.Provisioner.Features.InstallSaleorApp;
using Cmp.Saleor.Client;
using Cmp.Testing.Hosting;
using Cmp.Testing.Postgres;
using Cmp.Testing.Simulators;

namespace Cmp.AgentCommerce.Tests.Harness;

/// <summary>
/// Everything agent commerce talks to, started once per test run: PostgreSQL, the identity server, the Saleor
/// simulator with the demo catalog installed by the provisioner's own installer, the Stripe simulator, an agent
/// platform's webhook receiver, the ACP schema validator, and one gateway configured like production (tests that need
/// other settings start their own gateway against the same dependencies).
/// </summary>
public sealed class CommerceWorld : IAsyncLifetime
{
    public const string PlatformKey = "test-platform-key";
    public const string OtherPlatformKey = "other-platform-key";
    public const string WebhookSecret = "whsec_test_platform";
    public const string MerchantId = "cmp-test-merchant";

    public PostgresFixture Postgres { get; } = new();
    public IdentityFixture Identity { get; } = new();
    public SaleorSimulator Saleor { get; private set; } = null!;
    public StripeSimulator Stripe { get; private set; } = null!;
    public WebhookReceiver Webhooks { get; private set; } = null!;
    public AcpSchemaValidator Schemas { get; private set; } = null!;
    public GatewayHost Gateway { get; private set; } = null!;
    /// <summary>The gateway's Saleor app token (HANDLE_PAYMENTS), as an operator would create it.</summary>
    public string SaleorAppToken { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var pg = Postgres.InitializeAsync().AsTask();
        var identity = Identity.InitializeAsync().AsTask();
        var schemas = AcpSchemaValidator.StartAsync();
        var stripe = StripeSimulator.StartAsync();
        var webhooks = WebhookReceiver.StartAsync();
        Saleor = await SaleorSimulator.StartAsync();
        SaleorAppToken = await InstallCatalogAsync(Saleor);
        await Task.WhenAll(pg, identity, schemas, stripe, webhooks);
        (Schemas, Stripe, Webhooks) = (await schemas, await stripe, await webhooks);
        Gateway = await StartGatewayAsync();
    }

    /// <summary>The demo catalog through <c>saleor install</c> (as make dev does), and a gateway app that may record payments.</summary>
    public static async Task<string> InstallCatalogAsync(SaleorSimulator saleor)
    {
        var tokenFile = Path.Combine(Path.GetTempPath(), $"cmp-ac-{Guid.NewGuid():N}");
        var error = new StringWriter();
        var exit = await SaleorInstallCommand.RunAsync(
            ["saleor", "install", "--api-url", saleor.ApiUrl.ToString(), "--email", SaleorSimulator.AdminEmail, "--demo-catalog",
             "--webhook-target", "http://127.0.0.1:9", "--token-file", tokenFile],
            TextWriter.Null, error, name => name == "SALEOR_PASSWORD" ? SaleorSimulator.AdminPassword : null, CancellationToken.None);
        if (File.Exists(tokenFile)) File.Delete(tokenFile);
        if (exit != 0) throw new InvalidOperationException($"saleor install exited {exit}: {error}");
        return (await saleor.CreateAppAsync("cmp-gateway", "cmp-gateway", ["HANDLE_PAYMENTS"])).Token;
    }

    public Dictionary<string, string?> GatewaySettings(string database, SaleorSimulator? saleor = null, string? saleorToken = null)
    {
        var s = Identity.AuthSettings();
        foreach (var (k, v) in Identity.ServiceAuthSettings("cmp-gateway")) s[k] = v;
        s["ConnectionStrings:Gateway"] = database;
        s["Http:control-plane:BaseAddress"] = "http://127.0.0.1:9";
        s["Http:runner:BaseAddress"] = "http://127.0.0.1:9";
        s["Saleor:ApiUrl"] = (saleor ?? Saleor).ApiUrl.ToString();
        s["Saleor:AppToken"] = saleorToken ?? SaleorAppToken;
        s["Http:saleor:BaseDelay"] = "00:00:00.020";
        s["Http:saleor:AttemptTimeout"] = "00:00:05";
        s["Acp:Platforms:0:Id"] = "test-platform";
        s["Acp:Platforms:0:ApiKey"] = PlatformKey;
        s["Acp:Platforms:0:Webhook:Url"] = Webhooks.Url.ToString();
        s["Acp:Platforms:0:Webhook:Secret"] = WebhookSecret;
        s["Acp:Platforms:1:Id"] = "other-platform";
        s["Acp:Platforms:1:ApiKeySha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(OtherPlatformKey)));
        s["Acp:Merchant:Id"] = MerchantId;
        s["Acp:Merchant:OrderUrlTemplate"] = "https://shop.test/orders/{order_id}";
        s["Acp:Merchant:TermsOfUseUrl"] = "https://shop.test/terms";
        s["Acp:Merchant:PrivacyPolicyUrl"] = "https://shop.test/privacy";
        s["Acp:Merchant:ReturnPolicyUrl"] = "https://shop.test/returns";
        s["Acp:OrderEvents:PollInterval"] = "00:00:00.100";
        s["Acp:OrderEvents:BaseDelay"] = "00:00:00.050";
        s["Acp:OrderEvents:MaxDelay"] = "00:00:00.500";
        s["Acp:OrderEvents:OrderPollInterval"] = "00:00:00.300";
        s["Payments:TestPsp:Enabled"] = "true";
        s["Payments:Stripe:Enabled"] = "true";
        s["Payments:Stripe:AccountId"] = "acct_test_cmp";
        s["Stripe:ApiBase"] = Stripe.Url.ToString();
        s["Stripe:SecretKey"] = StripeSimulator.SecretKey;
        s["Http:stripe:BaseDelay"] = "00:00:00.020";
        return s;
    }

    public async Task<GatewayHost> StartGatewayAsync(Dictionary<string, string?>? overrides = null, SaleorSimulator? saleor = null, string? saleorToken = null,
        Action<Microsoft.AspNetCore.Hosting.IWebHostBuilder>? configure = null)
    {
        var database = await Postgres.CreateDatabaseAsync("gw");
        var settings = GatewaySettings(database, saleor, saleorToken);
        foreach (var (k, v) in overrides ?? []) settings[k] = v;
        return GatewayHost.Start(settings, database, this, configure);
    }

    /// <summary>A staff client of a Saleor simulator (stock changes, price changes in tests).</summary>
    public static async Task<ISaleorClient> StaffAsync(SaleorSimulator saleor)
    {
        var anonymous = SaleorClientFactory.Create(saleor.ApiUrl, null, new HttpResilienceOptions { BaseDelay = TimeSpan.FromMilliseconds(10) });
        var login = await anonymous.ExecuteAsync<JsonElement>("TokenCreate", new { email = SaleorSimulator.AdminEmail, password = SaleorSimulator.AdminPassword });
        return anonymous.WithToken(login.Value.GetProperty("tokenCreate").GetProperty("token").GetString());
    }

    public async ValueTask DisposeAsync()
    {
        if (Gateway is not null) await Gateway.DisposeAsync();
        if (Schemas is not null) await Schemas.DisposeAsync();
        if (Webhooks is not null) await Webhooks.DisposeAsync();
        if (Stripe is not null) await Stripe.DisposeAsync();
        if (Saleor is not null) await Saleor.DisposeAsync();
        await Identity.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}
