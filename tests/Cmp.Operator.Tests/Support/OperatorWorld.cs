using System.Net.Http.Json;
using System.Text.Json;
using Cmp.Kubernetes.Client;
using Cmp.Kubernetes.Model;
using Cmp.Kubernetes.Resources;
using Cmp.Saleor.Client;
using Cmp.Simulators.KubeApi;
using Cmp.Testing;
using Cmp.Testing.Hosting;
using Cmp.Testing.Postgres;
using Cmp.Testing.Simulators;

namespace Cmp.Operator.Tests.Support;

/// <summary>
/// Everything the control plane's operator talks to, for one test class: the fake Kubernetes API serving our CRDs, a
/// fresh PostgreSQL database, the identity server, the shared Saleor simulator (with an app token holding exactly the
/// permissions the README asks for), and a kubectl-like client in the operator's namespace.
/// </summary>
public sealed class OperatorWorld(PostgresFixture pg, SaleorFixture saleor) : IAsyncLifetime
{
    public const string Namespace = "cmp";
    public const string LeaseName = "cmp-control-plane-operator";
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(2);

    public KubeApiServer Api { get; private set; } = null!;
    public KubeClient Kubectl { get; private set; } = null!;
    public IdentityFixture Identity { get; } = new();
    public RecordingFlowDeployer Flows { get; } = new();
    public SaleorSimulator Saleor => saleor.Sim;
    public string Database { get; private set; } = "";
    string _saleorToken = "";

    public async ValueTask InitializeAsync()
    {
        Api = await KubeApiServer.StartAsync(new KubeApiServerOptions { Crds = [Path.Combine(RepoPaths.Root, "charts", "cmp", "files", "crds")] });
        Kubectl = new KubeClient(new HttpClient { BaseAddress = Api.Url }, Namespace, new KubeClientSettings { UserAgent = "kubectl" });
        await Identity.InitializeAsync();
        Database = await pg.CreateDatabaseAsync("op");
        (_, _saleorToken) = await Saleor.CreateAppAsync($"cmp-control-plane-{Guid.NewGuid():N}",
            "MANAGE_PRODUCTS", "MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES", "MANAGE_CHANNELS");
    }

    /// <summary>The settings of one replica: as deployed (charts/control-plane), with timings shrunk for tests.</summary>
    public Dictionary<string, string?> Settings(string replica)
    {
        var s = Identity.AuthSettings();
        foreach (var (k, v) in Identity.ServiceAuthSettings("cmp-control-plane")) s[k] = v;
        s["ConnectionStrings:ControlPlane"] = Database;
        s["Http:runner:BaseAddress"] = "http://127.0.0.1:9";   // unused: flows go to the recording deployer
        s["Provisioning:BaseDelay"] = "00:00:00.050";
        s["Provisioning:MaxDelay"] = "00:00:00.200";
        s["Provisioning:PollInterval"] = "00:00:00.100";
        s["Saleor:ApiUrl"] = Saleor.ApiUrl.ToString();
        s["Saleor:AppToken"] = _saleorToken;
        s["Operator:Enabled"] = "true";
        s["Operator:Source"] = "Kubernetes";
        s["Operator:Namespace"] = Namespace;
        s["Operator:RetryBaseDelay"] = "00:00:00.050";
        s["Operator:RetryMaxDelay"] = "00:00:01";
        s["Operator:ShutdownGrace"] = "00:00:05";
        s["Operator:LeaderElection:Identity"] = replica;
        s["Operator:LeaderElection:LeaseName"] = LeaseName;
        s["Operator:LeaderElection:LeaseDuration"] = "00:00:02";
        s["Operator:LeaderElection:RenewDeadline"] = "00:00:01.500";
        s["Operator:LeaderElection:RetryPeriod"] = "00:00:00.250";
        s["Operator:Offerings:SaleorSync"] = "true";
        s["Operator:Instances:PollInterval"] = "00:00:00.200";
        s["Operator:Instances:DeletionCheckInterval"] = "00:00:00.200";
        s["Operator:Instances:GatewayUrl"] = "https://api.cmp.test";
        return s;
    }

    public async Task<HttpClient> AdminAsync(ControlPlaneReplica r) => r.Service.CreateHttpClient(await Identity.AdminTokenAsync());
    public async Task<HttpClient> ProvisionerAsync(ControlPlaneReplica r) => r.Service.CreateHttpClient(await Identity.ClientTokenAsync("cmp-provisioner"));
    public async Task<HttpClient> BuyerAsync(ControlPlaneReplica r) => r.Service.CreateHttpClient(await Identity.BuyerTokenAsync());

    /// <summary>An AgentOffering as a platform engineer writes one (an agent plan on the built-in support template).</summary>
    public static AgentOffering Offering(string name, string sku, string amount = "49.99", string template = "customer-support-agent") => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = Namespace },
        Spec = new AgentOfferingSpec
        {
            Sku = sku,
            Kind = OfferingKinds.Agent,
            DisplayName = $"Agent {sku}",
            Description = $"The {sku} agent.",
            Price = new OfferingPrice { Amount = amount, Currency = "USD" },
            FlowTemplate = new FlowTemplateRef { Name = template },
            CreditsPerRun = 1,
        },
    };

    /// <summary>Polls the object until <paramref name="done"/> holds for it.</summary>
    public Task<T> UntilAsync<T>(string name, Func<T, bool> done, string what, TimeSpan? timeout = null) where T : KubeObject, IKubeResource =>
        Poller.ValueAsync(async () =>
        {
            var got = await Kubectl.GetAsync<T>(name);
            return got.IsSuccess && done(got.Value) ? got.Value : null;
        }, what, timeout ?? TimeSpan.FromSeconds(30));

    public Task UntilGoneAsync<T>(string name, string what) where T : KubeObject, IKubeResource =>
        Poller.UntilAsync(async () => (await Kubectl.GetAsync<T>(name)).Error?.Code == KubeErrors.NotFound, what);

    /// <summary>The control plane's view of an offering (GET /v1/offerings/{sku}), or null when it has none.</summary>
    public static async Task<JsonElement?> OfferingInDbAsync(HttpClient admin, string sku)
    {
        using var r = await admin.GetAsync($"/v1/offerings/{sku}");
        return r.IsSuccessStatusCode ? await r.Content.ReadFromJsonAsync<JsonElement>() : null;
    }

    /// <summary>Saleor's product for a slug as staff see it (price, listing, metadata), or null.</summary>
    public async Task<JsonElement?> ProductAsync(string slug)
    {
        var staff = SaleorClientFactory.Create(Saleor.ApiUrl, null, null);
        var token = await staff.ExecuteAsync<JsonElement>("TokenCreate", new { email = SaleorSimulator.AdminEmail, password = SaleorSimulator.AdminPassword });
        var authed = staff.WithToken(token.Value.GetProperty("tokenCreate").GetProperty("token").GetString());
        var product = await authed.ExecuteAsync<JsonElement>("ProductBySlug", new { slug });
        return product.IsSuccess && product.Value.GetProperty("product").ValueKind == JsonValueKind.Object ? product.Value.GetProperty("product").Clone() : null;
    }

    public async ValueTask DisposeAsync()
    {
        await Identity.DisposeAsync();
        await Api.DisposeAsync();
    }
}
