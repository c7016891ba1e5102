using System.Net;
using System.Text;
using System.Text.Json;
using Cmp.Hosting.Problems;
using Cmp.Saleor.Client;
using Cmp.Saleor.GraphQL;
using Cmp.Saleor.Tests.Support;
using Cmp.Saleor.Webhooks;
using Cmp.Testing;
using Cmp.Testing.Simulators;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cmp.Saleor.Tests;

/// <summary>What a service gets from the DI registrations: validated settings, the client, readiness, and a webhook
/// endpoint that verifies in one call.</summary>
public sealed class SaleorRegistrationTests(SaleorSimulatorFixture fixture) : IClassFixture<SaleorSimulatorFixture>
{
    readonly SaleorSimulator _sim = fixture.Sim;

    static ServiceProvider Services(Dictionary<string, string?> settings, Action<IServiceCollection, IConfiguration> add)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        add(services, config);
        return services.BuildServiceProvider();
    }

    [Theory]
    [InlineData("https://shop.example.com/graphql", "must end with /graphql/")]
    [InlineData("shop.example.com/graphql/", "absolute http(s) URL")]
    [InlineData("ftp://shop.example.com/graphql/", "absolute http(s) URL")]
    [InlineData(null, "Saleor:ApiUrl is required")]
    public void A_wrong_api_url_stops_the_service_with_a_message(string? apiUrl, string message)
    {
        using var sp = Services(new() { ["Saleor:ApiUrl"] = apiUrl }, (s, c) => s.AddSaleorClient(c));

        var act = () => sp.GetRequiredService<IOptions<SaleorOptions>>().Value;

        act.Should().Throw<OptionsValidationException>().WithMessage($"*{message}*");
    }

    [Fact]
    public void Registering_the_client_and_the_verifier_validates_the_settings_once()
    {
        using var sp = Services(new() { ["Saleor:ApiUrl"] = "https://shop.example.com/graphql" }, (s, c) => s.AddSaleorClient(c).AddSaleorWebhookVerification(c).AddSaleorCatalog(c));

        var act = () => sp.GetRequiredService<IOptions<SaleorOptions>>().Value;

        act.Should().Throw<OptionsValidationException>().Which.Failures.Should().ContainSingle();
    }

    [Fact]
    public async Task The_registered_client_talks_to_the_configured_saleor_with_the_app_token()
    {
        var (id, token) = await _sim.CreateAppAsync("di-app", "MANAGE_ORDERS");
        using var sp = Services(new() { ["Saleor:ApiUrl"] = _sim.ApiUrl.ToString(), ["Saleor:AppToken"] = token }, (s, c) => s.AddSaleorClient(c));

        var app = await sp.GetRequiredService<ISaleorClient>().ExecuteAsync<CurrentAppData>("CurrentApp");

        app.Value.App.Id.Should().Be(id);
        app.Value.App.PermissionCodes.Should().Equal("MANAGE_ORDERS");
    }

    [Fact]
    public async Task The_registered_catalog_syncs_into_the_configured_channel_with_the_app_token()
    {
        var (_, token) = await _sim.CreateAppAsync("catalog-app", "MANAGE_PRODUCTS", "MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES", "MANAGE_CHANNELS");
        using var sp = Services(new()
        {
            ["Saleor:ApiUrl"] = _sim.ApiUrl.ToString(), ["Saleor:AppToken"] = token,
            ["Saleor:Catalog:Channel"] = "default-channel", ["Saleor:Catalog:WarehouseSlug"] = "di-warehouse",
        }, (s, c) => s.AddSaleorCatalog(c));
        var catalog = sp.GetRequiredService<Cmp.Saleor.Catalog.ISaleorCatalog>();

        var first = await catalog.EnsureProductAsync(SaleorShop.Agent("DI-1", 3m));
        var second = await catalog.EnsureProductAsync(SaleorShop.Agent("DI-1", 3m));

        first.Value.Outcome.Should().Be(Cmp.Saleor.Catalog.CatalogOutcome.Created, first.Error?.ToString());
        first.Value.Changes.Should().Contain(c => c.StartsWith("warehouse di-warehouse: create", StringComparison.Ordinal));
        second.Value.Outcome.Should().Be(Cmp.Saleor.Catalog.CatalogOutcome.Unchanged);
    }

    [Fact]
    public async Task Readiness_reports_a_working_token_and_explains_a_wrong_one()
    {
        var (_, token) = await _sim.CreateAppAsync("ready-app", "MANAGE_ORDERS");

        var good = await ReadinessAsync(_sim.ApiUrl.ToString(), token);
        var wrong = await ReadinessAsync(_sim.ApiUrl.ToString(), "w".PadRight(30, 'w'));
        var missing = await ReadinessAsync(_sim.ApiUrl.ToString(), null);
        var down = await ReadinessAsync($"http://127.0.0.1:{FreePort.Next()}/graphql/", token);

        good.Status.Should().Be(HealthStatus.Healthy, good.Description);
        wrong.Status.Should().Be(HealthStatus.Unhealthy);
        wrong.Description.Should().Contain("does not accept Saleor:AppToken");
        missing.Description.Should().Contain("Saleor:AppToken is not configured");
        down.Status.Should().Be(HealthStatus.Unhealthy);
        down.Description.Should().Contain("unreachable");
        wrong.Description.Should().NotContain("wwwwwwwwww", "a token never appears in health output");
    }

    async Task<HealthReportEntry> ReadinessAsync(string apiUrl, string? token)
    {
        using var sp = Services(new()
        {
            ["Saleor:ApiUrl"] = apiUrl, ["Saleor:AppToken"] = token, ["Http:saleor:MaxRetries"] = "0", ["Http:saleor:AttemptTimeout"] = "00:00:02",
        }, (s, c) =>
        {
            s.AddSaleorClient(c);
            s.AddHealthChecks().AddSaleorReadiness();
        });
        var report = await sp.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        return report.Entries["saleor"];
    }

    [Fact]
    public async Task A_webhook_endpoint_verifies_real_deliveries_in_one_call_and_refuses_forgeries()
    {
        await using var receiver = await StartReceiverAsync();
        var (_, token) = await _sim.CreateAppAsync("endpoint-app", "MANAGE_ORDERS", "HANDLE_PAYMENTS");
        var app = SaleorShop.Client(_sim, token);
        var hook = await app.ExecuteAsync<JsonElement>("WebhookCreate", new
        {
            input = new
            {
                name = "endpoint", targetUrl = SaleorWebhooks.OrderFullyPaid.TargetUrl(receiver.Url).ToString(), asyncEvents = new[] { "ORDER_FULLY_PAID" },
                query = SaleorOperations.Default.Get("OrderFullyPaid").Document,
            },
        });
        hook.IsSuccess.Should().BeTrue(hook.Error?.ToString());
        var staff = await SaleorShop.StaffAsync(_sim);
        await SaleorShop.Catalog(staff).EnsureProductAsync(SaleorShop.Agent("EP-1", 3m));
        var (orderId, _, _, _) = await SaleorShop.PaidOrderAsync(_sim, app, "ep@example.com", (await SaleorShop.VariantIdAsync(staff, "EP-1"), 1));

        var found = await Poller.ValueAsync(async () => (await _sim.DeliveriesAsync("order_fully_paid")).Cast<JsonElement?>()
            .FirstOrDefault(d => d is { } x && x.GetProperty("payload").GetString()!.Contains(orderId, StringComparison.Ordinal) && x.GetProperty("state").GetString() is "success" or "failed"),
            "the delivery to the endpoint to finish");
        var delivery = found!.Value;
        delivery.GetProperty("state").GetString().Should().Be("success", delivery.ToString());
        receiver.Accepted.Should().Contain(orderId);

        using var http = new HttpClient { BaseAddress = receiver.Url };
        using var forged = new HttpRequestMessage(HttpMethod.Post, SaleorWebhooks.OrderFullyPaid.Path.TrimStart('/'))
        {
            Content = new StringContent(delivery.GetProperty("payload").GetString()!.Replace("ep@example.com", "thief@example.com", StringComparison.Ordinal), Encoding.UTF8, "application/json"),
        };
        foreach (var name in new[] { "Saleor-Signature", "Saleor-Event", "Saleor-Domain", "Saleor-Api-Url" })
            forged.Headers.Add(name, receiver.LastHeaders[name]);
        var refused = await http.SendAsync(forged);
        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await refused.Content.ReadAsStringAsync()).Should().Contain(SaleorWebhookErrors.SignatureInvalid);

        using var huge = new StringContent(new string('x', 2 * 1024 * 1024), Encoding.UTF8, "application/json");
        (await http.PostAsync(SaleorWebhooks.OrderFullyPaid.Path.TrimStart('/'), huge)).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    async Task<Receiver> StartReceiverAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Saleor:ApiUrl"] = _sim.ApiUrl.ToString() });
        builder.Services.AddSaleorWebhookVerification(builder.Configuration);
        var web = builder.Build();
        var receiver = new Receiver(web);
        web.MapPost("/webhooks/saleor/{saleorEvent}", async (string saleorEvent, HttpRequest request) =>
        {
            receiver.LastHeaders = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var verified = await request.VerifySaleorWebhookAsync();
            if (!verified.IsSuccess) return verified.Error.ToProblem();
            var e = SaleorOrderEvents.Parse(verified.Value);
            if (e.IsSuccess) receiver.Accepted.Add(e.Value.Order.Id);
            return Results.NoContent();
        });
        await web.StartAsync();
        return receiver;
    }

    sealed class Receiver(WebApplication app) : IAsyncDisposable
    {
        public Uri Url => new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        public List<string> Accepted { get; } = [];
        public Dictionary<string, string> LastHeaders { get; set; } = [];

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    sealed record CurrentAppData(SaleorApp App);
}
