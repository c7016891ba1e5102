using Cmp.Gateway.Infrastructure.Commerce;
using Cmp.Testing.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Cmp.AgentCommerce.Tests.Harness;

/// <summary>A gateway on real Kestrel with its own fresh database.</summary>
public sealed class GatewayHost : IAsyncDisposable
{
    GatewayHost(ServiceFactory<Cmp.Gateway.Program> service, string database, CommerceWorld world, IReadOnlyDictionary<string, string?> settings)
    {
        Service = service;
        Database = database;
        World = world;
        Settings = settings;
    }

    public ServiceFactory<Cmp.Gateway.Program> Service { get; }
    public string Database { get; }
    public CommerceWorld World { get; }
    public IReadOnlyDictionary<string, string?> Settings { get; }
    public Uri Url => Service.Url;

    public static GatewayHost Start(Dictionary<string, string?> settings, string database, CommerceWorld world,
        Action<Microsoft.AspNetCore.Hosting.IWebHostBuilder>? configure = null)
    {
        var service = new ServiceFactory<Cmp.Gateway.Program>(settings, configure);
        service.Start();
        return new GatewayHost(service, database, world, settings);
    }

    /// <summary>An ACP client for an agent platform (every response is checked against the official schema).</summary>
    public AcpClient Acp(string version = "2026-04-17", string? key = CommerceWorld.PlatformKey) => new(Service.CreateHttpClient(), World.Schemas, version, key);

    /// <summary>What Saleor recorded as paid on the session's checkout (the gateway app may read transactions).</summary>
    public async Task<int> SaleorTransactionsAsync(string sessionId)
    {
        await using var db = Db();
        var checkoutId = await db.Sessions.Where(s => s.Id == sessionId).Select(s => s.SaleorCheckoutId).SingleAsync();
        var saleor = Cmp.Saleor.Client.SaleorClientFactory.Create(new Uri(Settings["Saleor:ApiUrl"]!), Settings["Saleor:AppToken"]);
        var r = await saleor.ExecuteAsync<System.Text.Json.JsonElement>("CheckoutTransactions", new { id = checkoutId });
        var checkout = r.Value.GetProperty("checkout");
        return checkout.ValueKind == System.Text.Json.JsonValueKind.Null ? -1 : checkout.GetProperty("transactions").GetArrayLength();
    }

    public CommerceDbContext Db() => new(new DbContextOptionsBuilder<CommerceDbContext>().UseNpgsql(Database).Options);

    public async ValueTask DisposeAsync() => await Service.DisposeAsync();
}
