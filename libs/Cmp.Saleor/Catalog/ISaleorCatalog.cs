using Cmp.Primitives;

namespace Cmp.Saleor.Catalog;

/// <summary>What a sync did (or, in a dry run, would do) to one object.</summary>
public enum CatalogOutcome
{
    Unchanged,
    Created,
    Updated,
}

/// <summary>The result of syncing one object: a line per change and anything a human should look at.</summary>
/// <param name="ObjectType">e.g. <c>product</c>, <c>warehouse</c>, <c>product type</c>, <c>shipping zone</c>.</param>
/// <param name="Key">The object's stable key: SKU, slug or name.</param>
public sealed record CatalogChangeSet(
    string ObjectType,
    string Key,
    CatalogOutcome Outcome,
    IReadOnlyList<string> Changes,
    IReadOnlyList<string> Warnings,
    bool DryRun)
{
    public static CatalogChangeSet From(string type, string key, bool created, IReadOnlyList<string> changes, IReadOnlyList<string> warnings, bool dryRun) =>
        new(type, key, created ? CatalogOutcome.Created : changes.Count > 0 ? CatalogOutcome.Updated : CatalogOutcome.Unchanged, changes, warnings, dryRun);
}

/// <summary>A shipping zone with its methods, priced in the catalog channel.</summary>
public sealed record ShippingZoneSpec(string Name, IReadOnlyList<string> Countries, IReadOnlyList<ShippingMethodSpec> Methods);

/// <summary>A price-based shipping method of a zone.</summary>
public sealed record ShippingMethodSpec(string Name, Money Price, int? MinimumDeliveryDays = null, int? MaximumDeliveryDays = null);

/// <summary>
/// Idempotent catalog sync: make Saleor match a spec, whatever exists already. Running the same spec twice changes
/// nothing the second time. Used by the installer (demo catalog) and by the Kubernetes operator (AgentOffering →
/// Saleor). Needs a token with MANAGE_PRODUCTS, MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES, MANAGE_CHANNELS (warehouse to
/// channel) and, for shipping zones, MANAGE_SHIPPING.
/// </summary>
public interface ISaleorCatalog
{
    /// <summary>Creates or updates the product type, category, product (name, slug, EditorJS description, metadata),
    /// its variant (SKU, tracking, weight), the channel listing (published, visible, purchasable), the price and the
    /// stock row. With <paramref name="dryRun"/> nothing is written and the change set says what would change.</summary>
    Task<Result<CatalogChangeSet>> EnsureProductAsync(ProductSpec spec, bool dryRun = false, CancellationToken ct = default);

    /// <summary>Takes a SKU off sale (unpublished, hidden, not purchasable) without deleting it, so existing orders keep
    /// working. Unknown SKU: NotFound.</summary>
    Task<Result<CatalogChangeSet>> UnlistAsync(string sku, bool dryRun = false, CancellationToken ct = default);

    /// <summary>The warehouse (assigned to the channel), and the product types and categories of these kinds.</summary>
    Task<Result<IReadOnlyList<CatalogChangeSet>>> EnsureFoundationAsync(IEnumerable<ProductKind> kinds, bool dryRun = false, CancellationToken ct = default);

    /// <summary>A shipping zone (with the warehouse, in the channel) and its methods' prices.</summary>
    Task<Result<CatalogChangeSet>> EnsureShippingZoneAsync(ShippingZoneSpec zone, bool dryRun = false, CancellationToken ct = default);
}
