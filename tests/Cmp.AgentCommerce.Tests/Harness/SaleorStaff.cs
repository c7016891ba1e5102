using System.Text.Json;
using Cmp.Saleor.Client;
using Cmp.Testing.Simulators;

namespace Cmp.AgentCommerce.Tests.Harness;

/// <summary>What a shop's staff does behind the agents' backs: restock or sell out, change prices, fulfil orders.</summary>
public sealed class SaleorStaff(ISaleorClient staff)
{
    public static async Task<SaleorStaff> LoginAsync(SaleorSimulator saleor) => new(await CommerceWorld.StaffAsync(saleor));

    public async Task<string> VariantIdAsync(string sku) =>
        Ok(await staff.ExecuteAsync<JsonElement>("CatalogVariant", new { sku, channel = "default-channel" })).GetProperty("productVariant").GetProperty("id").GetString()!;

    public async Task SetStockAsync(string sku, int quantity)
    {
        var warehouse = Ok(await staff.ExecuteAsync<JsonElement>("Warehouses", new { slugs = new[] { "cmp-warehouse" } }))
            .GetProperty("warehouses").GetProperty("edges")[0].GetProperty("node").GetProperty("id").GetString();
        Ok(await staff.ExecuteAsync<JsonElement>("ProductVariantStocksUpdate", new { variantId = await VariantIdAsync(sku), stocks = new[] { new { warehouse, quantity } } }));
    }

    public async Task SetPriceAsync(string sku, decimal price)
    {
        var channel = Ok(await staff.ExecuteAsync<JsonElement>("Channels", null)).GetProperty("channels").EnumerateArray()
            .Single(c => c.GetProperty("slug").GetString() == "default-channel").GetProperty("id").GetString();
        Ok(await staff.ExecuteAsync<JsonElement>("ProductVariantChannelListingUpdate", new
        {
            id = await VariantIdAsync(sku), input = new[] { new { channelId = channel, price = price.ToString(System.Globalization.CultureInfo.InvariantCulture) } },
        }));
    }

    /// <summary>The e-mail an order was placed under (it names the tenant an agent plan is provisioned to).</summary>
    public async Task<string?> OrderEmailAsync(string orderId) =>
        Ok(await staff.ExecuteAsync<JsonElement>("Order", new { id = orderId })).GetProperty("order").GetProperty("userEmail").GetString();

    /// <summary>Fulfils every line of an order from the CMP warehouse (as the provisioner does for digital lines).</summary>
    public async Task FulfilAsync(string orderId)
    {
        var order = Ok(await staff.ExecuteAsync<JsonElement>("Order", new { id = orderId })).GetProperty("order");
        var warehouse = Ok(await staff.ExecuteAsync<JsonElement>("Warehouses", new { slugs = new[] { "cmp-warehouse" } }))
            .GetProperty("warehouses").GetProperty("edges")[0].GetProperty("node").GetProperty("id").GetString()!;
        var lines = order.GetProperty("lines").EnumerateArray().Select(l => new FulfilmentLine(l.GetProperty("id").GetString()!, l.GetProperty("quantity").GetInt32(), warehouse)).ToArray();
        var r = await staff.FulfilAsync(orderId, lines);
        if (!r.IsSuccess) throw new InvalidOperationException(r.Error.ToString());
    }

    static JsonElement Ok(Cmp.Primitives.Result<JsonElement> r) => r.IsSuccess ? r.Value : throw new InvalidOperationException(r.Error.ToString());
}
