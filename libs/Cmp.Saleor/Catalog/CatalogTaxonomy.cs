namespace Cmp.Saleor.Catalog;

/// <summary>A product type or category CMP files products under.</summary>
public sealed record TaxonomyEntry(string Slug, string Name);

/// <summary>Which product type and category each kind of offering lives in. The product type decides shipping in
/// Saleor (<c>isShippingRequired</c>), so digital kinds get their own non-shipping types.</summary>
public static class CatalogTaxonomy
{
    public static TaxonomyEntry ProductType(ProductKind kind) => kind switch
    {
        ProductKind.Agent => new("ai-agent", "AI Agent"),
        ProductKind.Credits => new("credit-pack", "Credit Pack"),
        _ => new("merchandise", "Merchandise"),
    };

    public static TaxonomyEntry Category(ProductKind kind) => kind switch
    {
        ProductKind.Agent => new("ai-agents", "AI Agents"),
        ProductKind.Credits => new("credit-packs", "Credit Packs"),
        _ => new("merchandise", "Merchandise"),
    };

    public static bool RequiresShipping(ProductKind kind) => kind == ProductKind.Physical;

    /// <summary>Value of the <c>cmp.kind</c> metadata key.</summary>
    public static string KindValue(ProductKind kind) => kind switch
    {
        ProductKind.Agent => "agent",
        ProductKind.Credits => "credits",
        _ => "physical",
    };

    public static ProductKind? ParseKind(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "agent" => ProductKind.Agent,
        "credits" => ProductKind.Credits,
        "physical" => ProductKind.Physical,
        _ => null,
    };
}
