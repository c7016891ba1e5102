using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Cmp.Hosting.Http;
using Cmp.Saleor.Client;

namespace Cmp.Testing.Simulators;

/// <summary>
/// A buyer (and the PSP app that charges them) shopping in Saleor through its GraphQL API, the way a storefront does:
/// checkoutCreate → email and billing address → transactionCreate → checkoutComplete. Uses CMP's own operation
/// documents, so they are exercised too.
/// </summary>
public sealed class SaleorShopper(Uri saleorUrl, string channel = "default-channel")
{
    readonly Uri _api = new(saleorUrl, "/graphql/");
    readonly ISaleorClient _anonymous = SaleorClientFactory.Create(new Uri(saleorUrl, "/graphql/"), null, new HttpResilienceOptions { BaseDelay = TimeSpan.FromMilliseconds(10) });
    ISaleorClient? _psp;

    public SaleorShopper(SaleorSimulator saleor, string channel = "default-channel") : this(saleor.Url, channel) { }

    /// <summary>What a completed purchase left behind: the order, the PSP transaction that paid it, the amount.</summary>
    public sealed record Purchase(string OrderId, string TransactionId, decimal Total);

    /// <summary>Buys the lines and pays in full.</summary>
    public async Task<Purchase> PurchaseAsync(string email, params (string Sku, int Quantity)[] lines)
    {
        var checkout = await CheckoutAsync(email, lines);
        var transaction = await PayAsync(checkout.Id, checkout.Total);
        return new Purchase(await CompleteAsync(checkout.Id), transaction, checkout.Total);
    }

    public async Task<(string Id, decimal Total)> CheckoutAsync(string email, params (string Sku, int Quantity)[] lines)
    {
        var items = new List<object>();
        foreach (var (sku, quantity) in lines) items.Add(new { variantId = await VariantIdAsync(sku), quantity });
        var created = Ok(await _anonymous.ExecuteAsync<JsonElement>("CheckoutCreate", new { input = new { channel, email, lines = items } }), "checkoutCreate");
        var id = created.GetProperty("checkout").GetProperty("id").GetString()!;
        var billed = Ok(await _anonymous.ExecuteAsync<JsonElement>("CheckoutBillingAddressUpdate", new
        {
            id,
            address = Address,
        }), "checkoutBillingAddressUpdate");
        var current = billed.GetProperty("checkout");
        if (current.GetProperty("isShippingRequired").GetBoolean())
        {
            // Physical goods: ship to the same address with the first shipping method Saleor offers.
            var shipped = Ok(await _anonymous.ExecuteAsync<JsonElement>("CheckoutShippingAddressUpdate", new { id, address = Address }), "checkoutShippingAddressUpdate");
            var method = shipped.GetProperty("checkout").GetProperty("shippingMethods").EnumerateArray().First(m => m.GetProperty("active").GetBoolean());
            current = Ok(await _anonymous.ExecuteAsync<JsonElement>("CheckoutDeliveryMethodUpdate", new { id, deliveryMethodId = method.GetProperty("id").GetString() }),
                "checkoutDeliveryMethodUpdate").GetProperty("checkout");
        }
        return (id, current.GetProperty("totalPrice").GetProperty("gross").GetProperty("amount").GetDecimal());
    }

    /// <summary>Records a charge of <paramref name="amount"/> on a checkout or an order, as a payment app does.</summary>
    public async Task<string> PayAsync(string checkoutOrOrderId, decimal amount)
    {
        _psp ??= SaleorClientFactory.Create(_api, await PspTokenAsync(), new HttpResilienceOptions { BaseDelay = TimeSpan.FromMilliseconds(10) });
        var psp = $"psp_{Guid.NewGuid():N}";
        var r = Ok(await _psp.ExecuteAsync<JsonElement>("TransactionCreate", new
        {
            id = checkoutOrOrderId,
            transaction = new
            {
                name = "Test PSP", pspReference = psp,
                amountCharged = new { amount = amount.ToString(CultureInfo.InvariantCulture), currency = "USD" },
            },
        }), "transactionCreate");
        return r.GetProperty("transaction").GetProperty("id").GetString()!;
    }

    public async Task<string> CompleteAsync(string checkoutId)
    {
        var done = Ok(await _anonymous.ExecuteAsync<JsonElement>("CheckoutComplete", new { id = checkoutId }), "checkoutComplete");
        return done.GetProperty("order").GetProperty("id").GetString()!;
    }

    /// <summary>Refunds an order fully the way Saleor does with a transaction app: grant the refund, report it done.</summary>
    public async Task RefundAsync(string orderId, string transactionId, decimal amount, ISaleorClient orders)
    {
        Ok(await orders.ExecuteAsync<JsonElement>("OrderGrantRefundCreate", new
        {
            id = orderId, input = new { amount = amount.ToString(CultureInfo.InvariantCulture), reason = "test refund", transactionId },
        }), "orderGrantRefundCreate");
        Ok(await _psp!.ExecuteAsync<JsonElement>("TransactionEventReport", new
        {
            id = transactionId, type = "REFUND_SUCCESS", amount = amount.ToString(CultureInfo.InvariantCulture), pspReference = $"refund_{Guid.NewGuid():N}",
        }), "transactionEventReport");
    }

    /// <summary>A payment app's token (the simulator's test shortcut for appCreate with HANDLE_PAYMENTS).</summary>
    async Task<string> PspTokenAsync()
    {
        using var http = new HttpClient { BaseAddress = saleorUrl };
        using var r = await http.PostAsJsonAsync("/_sim/apps", new { name = "test-psp", permissions = new[] { "HANDLE_PAYMENTS" } });
        r.EnsureSuccessStatusCode();
        return (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    static readonly object Address = new
    {
        firstName = "Buyer", lastName = "Example", streetAddress1 = "1 Main St", city = "New York", postalCode = "10001", country = "US", countryArea = "NY",
    };

    async Task<string> VariantIdAsync(string sku)
    {
        var r = await _anonymous.ExecuteAsync<JsonElement>("CatalogVariant", new { sku, channel });
        if (!r.IsSuccess) throw new InvalidOperationException($"variant {sku}: {r.Error}");
        return r.Value.GetProperty("productVariant").GetProperty("id").GetString()
               ?? throw new InvalidOperationException($"Saleor has no variant {sku} in {channel}.");
    }

    static JsonElement Ok(Cmp.Primitives.Result<JsonElement> r, string field)
    {
        if (!r.IsSuccess) throw new InvalidOperationException($"{field} failed: {r.Error}");
        var payload = r.Value.GetProperty(field);
        if (payload.TryGetProperty("errors", out var errors) && errors.GetArrayLength() > 0)
            throw new InvalidOperationException($"{field} errors: {errors}");
        return payload;
    }
}
