using System.Runtime.CompilerServices;
using Cmp.Gateway.Infrastructure.Commerce.Saleor;
using Cmp.Primitives;
using Cmp.Saleor.Client;

namespace Cmp.Gateway.Features.Feed;

public sealed record CatalogCategory(string Id, string Slug, string Name);

public sealed record CatalogProductType(bool IsShippingRequired, string? Kind);

public sealed record CatalogPriceRange(GrossOnly? Start, GrossOnly? Stop);

public sealed record CatalogPricing(CatalogPriceRange? PriceRange);

/// <summary>The <c>ProductCard</c> fragment: a product as agents see it.</summary>
public sealed record CatalogProduct(
    string Id,
    string Name,
    string Slug,
    string? Description,
    DateTimeOffset? UpdatedAt,
    bool? IsAvailableForPurchase,
    IReadOnlyList<MetadataItem>? Metadata,
    Thumbnail? Thumbnail,
    CatalogProductType? ProductType,
    CatalogCategory? Category,
    CatalogPricing? Pricing,
    IReadOnlyList<CatalogVariantCard>? Variants);

public sealed record CatalogVariantCard(string Id, string? Sku, string Name, bool TrackInventory, int? QuantityAvailable,
    IReadOnlyList<MetadataItem>? Metadata, TaxedPrice? Pricing);

public sealed record CatalogPage(IReadOnlyList<CatalogProduct> Products, int? TotalCount, string? NextCursor);

/// <summary>Reads the channel's catalog from Saleor, a page at a time (feeds, search, product details).</summary>
public sealed class CatalogReader(ISaleorClient saleor)
{
    public async Task<Result<CatalogPage>> SearchAsync(string channel, string? query, int first, string? after, CancellationToken ct)
    {
        var r = await saleor.ExecuteAsync<ProductsData>("SearchProducts", new
        {
            channel, search = string.IsNullOrWhiteSpace(query) ? null : query.Trim(), first, after,
        }, ct);
        return r.IsSuccess ? Page(r.Value.Products) : r.Error;
    }

    public async Task<Result<CatalogProduct?>> ProductAsync(string channel, string slug, CancellationToken ct)
    {
        var r = await saleor.ExecuteAsync<ProductData>("CatalogProduct", new { slug, channel }, ct);
        return r.IsSuccess ? r.Value.Product : r.Error;
    }

    /// <summary>Every product of the channel, page by page, as Saleor returns them (streaming; nothing is held).</summary>
    public async IAsyncEnumerable<Result<CatalogProduct>> AllAsync(string channel, int pageSize, [EnumeratorCancellation] CancellationToken ct)
    {
        string? after = null;
        do
        {
            var r = await saleor.ExecuteAsync<ProductsData>("ProductFeed", new { channel, first = pageSize, after }, ct);
            if (!r.IsSuccess)
            {
                yield return r.Error;
                yield break;
            }
            var page = Page(r.Value.Products);
            foreach (var p in page.Products) yield return p;
            after = page.NextCursor;
        } while (after is not null);
    }

    static CatalogPage Page(ProductConnection? c) =>
        new(c?.Edges.Select(e => e.Node).ToArray() ?? [], c?.TotalCount, c?.PageInfo is { HasNextPage: true, EndCursor: { } cursor } ? cursor : null);

    sealed record PageInfo(bool HasNextPage, string? EndCursor);
    sealed record ProductEdge(CatalogProduct Node);
    sealed record ProductConnection(int? TotalCount, PageInfo? PageInfo, IReadOnlyList<ProductEdge> Edges);
    sealed record ProductsData(ProductConnection? Products);
    sealed record ProductData(CatalogProduct? Product);
}
