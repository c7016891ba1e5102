using System.ComponentModel;
using Cmp.Gateway.Features.Feed;
using Cmp.Gateway.Infrastructure.Commerce.Saleor;
using Cmp.Saleor.Catalog;
using Cmp.Saleor.Client;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace Cmp.Gateway.Features.Mcp.Tools;

/// <summary>Browsing the catalog: what agents can find (<c>acp.enable_search</c>) and buy (<c>acp.enable_checkout</c>).</summary>
[McpServerToolType]
public sealed class CatalogTools
{
    [McpServerTool(Name = "search_catalog", Title = "Search the catalog", ReadOnly = true, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Search the shop's catalog: AI agent plans, credit packs and merchandise. Returns one item per SKU with price and availability. Leave query empty to list everything.")]
    public static async Task<CatalogSearchResult> SearchCatalog(
        CatalogReader catalog, McpContext mcp,
        [Description("Words to look for in names, descriptions and SKUs, e.g. 'support agent'.")] string? query = null,
        [Description("How many products per page, 1 to 50.")] int limit = 10,
        [Description("next_cursor from a previous page.")] string? cursor = null,
        CancellationToken ct = default)
    {
        if (limit is < 1 or > 50) throw new McpException("limit must be between 1 and 50.");
        var page = await catalog.SearchAsync(mcp.Acp.Channel, query, limit, cursor, ct);
        if (!page.TryGetValue(out var p, out var error)) throw McpContext.Fail(error);
        var items = p.Products.Where(x => CatalogFlags.Searchable(x.Metadata))
            .SelectMany(x => (x.Variants ?? []).Where(v => v.Sku is not null).Select(v => Item(x, v, mcp)))
            .ToArray();
        return new CatalogSearchResult(items, p.NextCursor, p.TotalCount);
    }

    [McpServerTool(Name = "get_product", Title = "Product details", ReadOnly = true, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Everything about one SKU: full description, price, availability, what an agent plan includes (credits, cost per run).")]
    public static async Task<ProductDetails> GetProduct(SaleorCommerce saleor, McpContext mcp,
        [Description("The SKU, e.g. CSA-PRO.")] string sku, CancellationToken ct = default)
    {
        var found = await saleor.VariantsBySkusAsync([sku.Trim()], mcp.Acp.Channel, ct);
        if (!found.TryGetValue(out var variants, out var error)) throw McpContext.Fail(error);
        var v = variants.FirstOrDefault(x => x.Sku == sku.Trim());
        if (v is null || !CatalogFlags.Searchable(v.Product.Metadata))
            throw new McpException($"There is no product with SKU '{sku}'. Use search_catalog to find SKUs.");
        var meta = MetadataItem.ToDictionary(v.Product.Metadata);
        var price = v.Pricing?.Price?.Gross?.ToMoney();
        var shipping = v.Product.ProductType?.IsShippingRequired ?? false;
        var description = EditorJs.ToPlainText(v.Product.Description);
        return new ProductDetails(v.Sku!, v.Product.Slug, FeedWriters.Title(v.Product.Name, v.Name), description.Length == 0 ? null : description,
            price is { } m ? McpMapping.Price(m.Minor, m.Currency) : null, Availability(v.TrackInventory, v.QuantityAvailable, v.Product.IsAvailableForPurchase, price is not null),
            CatalogFlags.Purchasable(v.Product.Metadata) && price is not null, Kind(meta, shipping), shipping,
            Long(meta, "cmp.credits"), Long(meta, "cmp.credits_per_run"), v.Product.Thumbnail?.Url,
            FeedWriters.ProductUrl(mcp.Acp.Merchant, v.Product.Slug, v.Sku));
    }

    static CatalogItem Item(CatalogProduct p, CatalogVariantCard v, McpContext mcp)
    {
        var meta = MetadataItem.ToDictionary(p.Metadata);
        var shipping = p.ProductType?.IsShippingRequired ?? false;
        var description = EditorJs.ToPlainText(p.Description);
        var price = FeedWriters.Price(v);
        return new CatalogItem(v.Sku!, p.Slug, FeedWriters.Title(p.Name, v.Name),
            description.Length == 0 ? null : description.Length > 300 ? description[..297] + "…" : description,
            price is { } m ? McpMapping.Price(m.Minor, m.Currency) : null,
            Availability(v.TrackInventory, v.QuantityAvailable, p.IsAvailableForPurchase, price is not null),
            CatalogFlags.Purchasable(p.Metadata) && price is not null, Kind(meta, shipping), shipping, p.Thumbnail?.Url,
            FeedWriters.ProductUrl(mcp.Acp.Merchant, p.Slug, v.Sku));
    }

    static string Availability(bool tracked, int? quantity, bool? purchasable, bool priced) =>
        purchasable == false || !priced ? "discontinued" : !tracked ? "in_stock" : (quantity ?? 0) <= 0 ? "out_of_stock" : quantity <= 5 ? "limited_stock" : "in_stock";

    static string Kind(IReadOnlyDictionary<string, string> meta, bool shipping) =>
        meta.TryGetValue("cmp.kind", out var k) && k.Length > 0 ? k : shipping ? "physical" : "digital";

    static long? Long(IReadOnlyDictionary<string, string> meta, string key) =>
        meta.TryGetValue(key, out var v) && long.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
}
