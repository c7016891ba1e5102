using System.Text.Json;
using Cmp.Hosting.Http;
using Cmp.Primitives;
using Cmp.Saleor.Catalog;
using Cmp.Saleor.Client;
using Cmp.Testing.Simulators;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cmp.Saleor.Tests.Support;

/// <summary>Test helpers that act like Saleor's users: staff seeding the catalog, a buyer checking out, a PSP app paying.</summary>
public static class SaleorShop
{
    /// <summary>Fast timeouts and backoff so failure tests stay quick.</summary>
    public static HttpResilienceOptions FastResilience() => new()
    {
        AttemptTimeout = TimeSpan.FromSeconds(3),
        TotalTimeout = TimeSpan.FromSeconds(10),
        BaseDelay = TimeSpan.FromMilliseconds(10),
        MaxRetries = 3,
        MinimumThroughput = 100,
    };

    public static ISaleorClient Client(SaleorSimulator sim, string? token = null, HttpMessageHandler? handler = null, HttpResilienceOptions? resilience = null) =>
        SaleorClientFactory.Create(sim.ApiUrl, token, resilience ?? FastResilience(), primaryHandler: handler);

    /// <summary>A client authenticated as the simulator's superuser (tokenCreate, the installer's real path).</summary>
    public static async Task<ISaleorClient> StaffAsync(SaleorSimulator sim)
    {
        var anonymous = Client(sim);
        var r = await anonymous.ExecuteAsync<TokenData>("TokenCreate", new { email = SaleorSimulator.AdminEmail, password = SaleorSimulator.AdminPassword });
        return anonymous.WithToken(r.Value.TokenCreate.Token);
    }

    public static SaleorCatalog Catalog(ISaleorClient client, CatalogOptions? options = null) =>
        new(client, options ?? new CatalogOptions(), NullLogger<SaleorCatalog>.Instance);

    public static ProductSpec Agent(string sku, decimal price, string? slug = null) => new()
    {
        Sku = sku,
        Name = $"Agent {sku}",
        Slug = slug ?? sku.ToLowerInvariant(),
        Kind = ProductKind.Agent,
        Description = $"The {sku} agent.\n\nAnswers questions.",
        Price = Money.FromMajor(price, "USD").Value,
        Metadata = new Dictionary<string, string>
        {
            [CatalogMetadata.FlowTemplate] = "support-agent",
            [CatalogMetadata.CreditsPerRun] = "1",
            [CatalogMetadata.AcpEnableCheckout] = "true",
        },
    };

    public static readonly object BuyerAddress = new
    {
        firstName = "Ada", lastName = "Buyer", streetAddress1 = "1 Main St", city = "New York", postalCode = "10001", country = "US", countryArea = "NY",
    };

    /// <summary>Buyer checkout of digital lines, paid in full by <paramref name="payments"/> (HANDLE_PAYMENTS), completed.
    /// Returns the order id and the id of the transaction that paid it.</summary>
    public static async Task<(string OrderId, string TransactionId, string PspReference, decimal Total)> PaidOrderAsync(SaleorSimulator sim, ISaleorClient payments,
        string email, params (string VariantId, int Quantity)[] lines)
    {
        var buyer = Client(sim);
        var created = await buyer.ExecuteAsync<CheckoutCreateData>("CheckoutCreate", new
        {
            input = new
            {
                channel = "default-channel",
                email,
                lines = lines.Select(l => new { variantId = l.VariantId, quantity = l.Quantity }).ToArray(),
                billingAddress = BuyerAddress,
            },
        });
        var checkout = created.Value.CheckoutCreate.Checkout!;
        var total = (decimal)checkout.TotalPrice.Gross.Amount;
        var psp = $"psp-{Guid.NewGuid():N}";
        var paid = await payments.ExecuteAsync<TransactionData>("TransactionCreate", new
        {
            id = checkout.Id,
            transaction = new { name = "test-psp", pspReference = psp, amountCharged = new { amount = total, currency = "USD" }, availableActions = new[] { "REFUND" } },
        });
        var completed = await buyer.ExecuteAsync<CompleteData>("CheckoutComplete", new { id = checkout.Id });
        return (completed.Value.CheckoutComplete.Order!.Id, paid.Value.TransactionCreate.Transaction!.Id, psp, total);
    }

    /// <summary>The variant id of a SKU (staff or MANAGE_PRODUCTS client).</summary>
    public static async Task<string> VariantIdAsync(ISaleorClient client, string sku)
    {
        var r = await client.ExecuteAsync<JsonElement>("VariantBySku", new { sku });
        return r.Value.GetProperty("productVariant").GetProperty("id").GetString()!;
    }

    public sealed record TokenData(TokenPayload TokenCreate);
    public sealed record TokenPayload(string? Token);
    sealed record CheckoutCreateData(CheckoutPayload CheckoutCreate);
    sealed record CheckoutPayload(CheckoutNode? Checkout);
    sealed record CheckoutNode(string Id, TaxedNode TotalPrice);
    sealed record TaxedNode(SaleorMoney Gross);
    sealed record TransactionData(TransactionPayload TransactionCreate);
    sealed record TransactionPayload(IdNode? Transaction);
    sealed record CompleteData(CompletePayload CheckoutComplete);
    sealed record CompletePayload(IdNode? Order);
    sealed record IdNode(string Id);
}
