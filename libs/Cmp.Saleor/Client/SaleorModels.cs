using Cmp.Primitives;

namespace Cmp.Saleor.Client;

// Records for the embedded documents' results, named after their fragments. Only what CMP reads is declared;
// System.Text.Json ignores the rest. Amounts are Saleor's JSON floats: convert with ToMoney() at the edge.

public sealed record MetadataItem(string Key, string Value)
{
    public static IReadOnlyDictionary<string, string> ToDictionary(IEnumerable<MetadataItem>? items)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var i in items ?? []) d[i.Key] = i.Value;
        return d;
    }

    public static IReadOnlyList<MetadataItem> FromDictionary(IEnumerable<KeyValuePair<string, string>> items) =>
        items.Select(kv => new MetadataItem(kv.Key, kv.Value)).ToArray();
}

public sealed record SaleorMoney(double Amount, string Currency)
{
    public Money ToMoney() => Money.FromMajorRounded(Amount, Currency);
}

public sealed record IdSlug(string Id, string Slug);

public sealed record NamedNode(string Id, string Name, string Slug);

// AppFields, WebhookFields
public sealed record PermissionCode(string Code);

public sealed record SaleorApp(string Id, string Name, string? Identifier, bool IsActive, IReadOnlyList<PermissionCode> Permissions)
{
    public IReadOnlyList<string> PermissionCodes => Permissions.Select(p => p.Code).Order(StringComparer.Ordinal).ToArray();
}

public sealed record WebhookEvent(string EventType);

public sealed record SaleorWebhook(string Id, string Name, string TargetUrl, bool IsActive, IReadOnlyList<WebhookEvent> AsyncEvents, string? SubscriptionQuery);

// CatalogProductAdmin, CatalogVariantAdmin
public sealed record ProductListingNode(IdSlug Channel, bool IsPublished, bool VisibleInListings, bool IsAvailableForPurchase);

public sealed record VariantListingNode(IdSlug Channel, SaleorMoney? Price);

public sealed record StockNode(IdSlug Warehouse, int Quantity);

public sealed record WeightNode(string Unit, double Value);

public sealed record CatalogVariantNode(
    string Id,
    string? Sku,
    string Name,
    bool TrackInventory,
    WeightNode? Weight,
    IReadOnlyList<MetadataItem> Metadata,
    IReadOnlyList<VariantListingNode>? ChannelListings,
    IReadOnlyList<StockNode>? Stocks);

public sealed record CatalogProductNode(
    string Id,
    string Name,
    string Slug,
    string? Description,
    IReadOnlyList<MetadataItem> Metadata,
    IdSlug ProductType,
    IdSlug? Category,
    IReadOnlyList<ProductListingNode>? ChannelListings,
    IReadOnlyList<CatalogVariantNode>? Variants);

// Channels, Warehouses, ShippingZones
public sealed record CountryCode(string Code);

public sealed record SaleorChannel(string Id, string Slug, string Name, bool IsActive, string CurrencyCode, IReadOnlyList<IdSlug> Warehouses);

public sealed record ShippingMethodListingNode(IdSlug Channel, SaleorMoney? Price);

public sealed record ShippingMethodNode(string Id, string Name, string? Type, IReadOnlyList<ShippingMethodListingNode>? ChannelListings);

public sealed record ShippingZoneNode(
    string Id,
    string Name,
    IReadOnlyList<CountryCode> Countries,
    IReadOnlyList<IdSlug> Warehouses,
    IReadOnlyList<IdSlug> Channels,
    IReadOnlyList<ShippingMethodNode>? ShippingMethods);

public sealed record Edge<T>(T Node);

public sealed record Connection<T>(IReadOnlyList<Edge<T>> Edges)
{
    public IEnumerable<T> Nodes => Edges.Select(e => e.Node);
}
