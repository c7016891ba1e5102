using Cmp.Primitives;

namespace Cmp.Saleor.Catalog;

/// <summary>What catalog planning needs to know about the target channel and warehouse.</summary>
public sealed record CatalogContext(string Channel, string Currency, string WarehouseSlug, int DigitalStock, int DefaultPhysicalStock);

/// <summary>A product as it exists in Saleor, seen from one channel.</summary>
public sealed record ProductState(
    string Id,
    string Name,
    string Slug,
    string DescriptionText,
    string ProductTypeSlug,
    string? CategorySlug,
    IReadOnlyDictionary<string, string> Metadata,
    ListingState? Listing,
    IReadOnlyList<VariantState> Variants);

/// <summary>A product's listing in the channel.</summary>
public sealed record ListingState(bool IsPublished, bool VisibleInListings, bool IsAvailableForPurchase)
{
    public static readonly ListingState Listed = new(true, true, true);
    public static readonly ListingState Unlisted = new(false, false, false);

    public override string ToString() =>
        $"published={IsPublished.ToString().ToLowerInvariant()}, visible={VisibleInListings.ToString().ToLowerInvariant()}, available={IsAvailableForPurchase.ToString().ToLowerInvariant()}";
}

/// <summary>A variant as it exists in Saleor: its price in the channel (null = not listed there) and stock by warehouse slug.</summary>
public sealed record VariantState(
    string Id,
    string? Sku,
    string Name,
    bool TrackInventory,
    Weight? Weight,
    Money? Price,
    IReadOnlyDictionary<string, int> Stock);
