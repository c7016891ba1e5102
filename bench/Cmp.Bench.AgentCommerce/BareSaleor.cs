using System.Diagnostics;
using System.Text.Json;
using Cmp.Saleor.Client;

namespace Cmp.Bench.AgentCommerce;

/// <summary>
/// The baseline of the ACP rows, measured in the same run: the bench itself calls the Saleor simulator with the same
/// client library and the same <c>checkoutCreate</c> input the gateway sends for an ACP create (channel, one line,
/// email, metadata). Without it a ratio against absolute milliseconds would say more about the machine than the gateway.
/// </summary>
sealed class BareSaleor(ISaleorClient saleor, string channel, string variantId)
{
    public static async Task<BareSaleor> CreateAsync(Uri apiUrl, string appToken, string channel, string sku)
    {
        var client = SaleorClientFactory.Create(apiUrl, appToken);
        var found = await client.ExecuteAsync<JsonElement>("VariantsBySkus", new { skus = new[] { sku }, channel });
        if (!found.IsSuccess) throw new InvalidOperationException($"VariantsBySkus {sku}: {found.Error}");
        var edge = found.Value.GetProperty("productVariants").GetProperty("edges").EnumerateArray().FirstOrDefault();
        if (edge.ValueKind != JsonValueKind.Object) throw new InvalidOperationException($"{sku} is not in channel {channel}");
        return new BareSaleor(client, channel, edge.GetProperty("node").GetProperty("id").GetString()!);
    }

    /// <summary>One bare <c>checkoutCreate</c>; its wall time in milliseconds.</summary>
    public async Task<double> CheckoutCreateAsync()
    {
        var start = Stopwatch.GetTimestamp();
        var r = await saleor.ExecuteAsync<JsonElement>("CheckoutCreate", new
        {
            input = new
            {
                channel,
                lines = new[] { new { variantId, quantity = 1 } },
                email = "bench@example.com",
                metadata = new[] { new { key = "acp.bench", value = "baseline" } },
            },
        });
        var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (!r.IsSuccess) throw new InvalidOperationException($"bare checkoutCreate: {r.Error}");
        return ms;
    }
}
