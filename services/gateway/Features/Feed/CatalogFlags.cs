using Cmp.Saleor.Client;

namespace Cmp.Gateway.Features.Feed;

/// <summary>
/// What agents may do with a product, from its Saleor metadata (written by catalog sync from the offering):
/// <c>acp.enable_search</c> (found in search and feeds) and <c>acp.enable_checkout</c> (bought through ACP/MCP).
/// Absent means true; only "false" turns a flag off. Checkout needs search (OpenAI's feed rule).
/// </summary>
public static class CatalogFlags
{
    public const string EnableSearch = "acp.enable_search";
    public const string EnableCheckout = "acp.enable_checkout";

    public static bool Searchable(IReadOnlyList<MetadataItem>? metadata) => !IsFalse(metadata, EnableSearch);

    public static bool Purchasable(IReadOnlyList<MetadataItem>? metadata) => Searchable(metadata) && !IsFalse(metadata, EnableCheckout);

    static bool IsFalse(IReadOnlyList<MetadataItem>? metadata, string key) =>
        string.Equals(metadata?.FirstOrDefault(m => m.Key == key)?.Value, "false", StringComparison.OrdinalIgnoreCase);
}
