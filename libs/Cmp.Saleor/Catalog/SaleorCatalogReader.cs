using Cmp.Saleor.Client;

namespace Cmp.Saleor.Catalog;

/// <summary>Turns GraphQL results into the planner's state records, seen from one channel and warehouse.</summary>
public static class SaleorCatalogReader
{
    static readonly Dictionary<string, double> GramsPer = new(StringComparer.OrdinalIgnoreCase)
    {
        ["G"] = 1, ["KG"] = 1000, ["LB"] = 453.59237, ["OZ"] = 28.349523125, ["TONNE"] = 1_000_000,
    };

    public static ProductState ToState(CatalogProductNode p, string channel) => new(
        p.Id,
        p.Name,
        p.Slug,
        EditorJs.ToPlainText(p.Description),
        p.ProductType.Slug,
        p.Category?.Slug,
        MetadataItem.ToDictionary(p.Metadata),
        p.ChannelListings?.FirstOrDefault(l => l.Channel.Slug == channel) is { } l
            ? new ListingState(l.IsPublished, l.VisibleInListings, l.IsAvailableForPurchase)
            : null,
        (p.Variants ?? []).Select(v => ToState(v, channel)).ToArray());

    public static VariantState ToState(CatalogVariantNode v, string channel) => new(
        v.Id,
        v.Sku,
        v.Name,
        v.TrackInventory,
        v.Weight is { } w && GramsPer.TryGetValue(w.Unit, out var factor) ? new Weight((long)Math.Round(w.Value * factor)) : null,
        v.ChannelListings?.FirstOrDefault(l => l.Channel.Slug == channel)?.Price?.ToMoney(),
        (v.Stocks ?? []).GroupBy(s => s.Warehouse.Slug).ToDictionary(g => g.Key, g => g.Sum(s => s.Quantity), StringComparer.Ordinal));

    public static ShippingZoneState ToState(ShippingZoneNode z, string channel) => new(
        z.Id,
        z.Name,
        z.Countries.Select(c => c.Code).ToArray(),
        z.Warehouses.Select(w => w.Slug).ToArray(),
        z.Channels.Select(c => c.Slug).ToArray(),
        (z.ShippingMethods ?? []).Select(m => new ShippingMethodState(m.Id, m.Name,
            m.ChannelListings?.FirstOrDefault(l => l.Channel.Slug == channel)?.Price?.ToMoney())).ToArray());
}
