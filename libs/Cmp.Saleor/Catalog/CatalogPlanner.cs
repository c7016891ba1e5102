using System.Text.RegularExpressions;
using Cmp.Primitives;

namespace Cmp.Saleor.Catalog;

/// <summary>Product fields to change with <c>productUpdate</c> (null = leave as is).</summary>
public sealed record ProductFieldChanges(string? Name, string? Slug, string? Description, bool SetCategory);

/// <summary>Variant fields to change with <c>productVariantUpdate</c>; <see cref="SetWeight"/> with a null
/// <see cref="Weight"/> clears it.</summary>
public sealed record VariantFieldChanges(string? Name, bool? TrackInventory, bool SetWeight, Weight? Weight);

/// <summary>
/// What to do to make Saleor match one <see cref="ProductSpec"/>, computed from what exists. Applying it in order
/// (product, metadata, listing, variant, price, stock) converges; an empty <see cref="Changes"/> means nothing to do.
/// </summary>
public sealed record ProductPlan(
    string Sku,
    ProductState? Existing,
    VariantState? ExistingVariant,
    bool CreateProduct,
    ProductFieldChanges? ProductChanges,
    IReadOnlyDictionary<string, string> MetadataToSet,
    IReadOnlyList<string> MetadataToDelete,
    ListingState? ListingToSet,
    bool CreateVariant,
    VariantFieldChanges? VariantChanges,
    Money? PriceToSet,
    int? StockToSet,
    IReadOnlyList<string> Changes,
    IReadOnlyList<string> Warnings)
{
    public bool HasChanges => Changes.Count > 0;
}

/// <summary>
/// Pure planning for catalog sync, in the spirit of saleor/apps' webhook-utils filters: given the spec and what
/// exists, decide what to create or change, with a human-readable line per change (the installer's report and the
/// dry run print them). No I/O here, so every rule is unit-tested.
/// </summary>
public static partial class CatalogPlanner
{
    public const int MaxSkuLength = 255;

    [GeneratedRegex("^[a-z0-9]+(?:-[a-z0-9]+)*$")]
    private static partial Regex SlugPattern();

    /// <summary>Every problem with a spec, or none. Currency must be the channel's.</summary>
    public static IReadOnlyList<string> Validate(ProductSpec spec, string? channelCurrency = null)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(spec.Sku)) problems.Add("sku is required");
        else if (spec.Sku.Length > MaxSkuLength || spec.Sku.Any(c => c is < (char)0x21 or > (char)0x7e))
            problems.Add($"sku '{spec.Sku}' must be 1-{MaxSkuLength} printable ASCII characters without spaces");
        if (string.IsNullOrWhiteSpace(spec.Name)) problems.Add("name is required");
        else if (spec.Name.Length > 250) problems.Add("name must be at most 250 characters");
        if (string.IsNullOrWhiteSpace(spec.Slug) || !SlugPattern().IsMatch(spec.Slug) || spec.Slug.Length > 255)
            problems.Add($"slug '{spec.Slug}' must be lowercase letters, digits and single dashes");
        if (!Enum.IsDefined(spec.Kind)) problems.Add($"kind {(int)spec.Kind} is not agent, credits or physical");
        if (!Money.IsCurrencyCode(spec.Price.Currency)) problems.Add($"price currency '{spec.Price.Currency}' is not an ISO 4217 code");
        else if (channelCurrency is not null && spec.Price.Currency != channelCurrency)
            problems.Add($"price is in {spec.Price.Currency} but the channel sells in {channelCurrency}");
        if (spec.Price.Minor < 0) problems.Add("price must not be negative");
        if (spec.Shippable != CatalogTaxonomy.RequiresShipping(spec.Kind))
            problems.Add(spec.Shippable
                ? $"a {CatalogTaxonomy.KindValue(spec.Kind)} product cannot be shippable (only physical products are)"
                : "a physical product must be shippable (Saleor decides shipping per product type)");
        if (spec.Weight is { } w && (w.Grams <= 0 || spec.Kind != ProductKind.Physical))
            problems.Add(w.Grams <= 0 ? "weight must be positive" : "only physical products have a weight");
        if (spec.InitialStock is < 0) problems.Add("initial stock must not be negative");
        foreach (var (key, value) in spec.Metadata)
        {
            if (string.IsNullOrWhiteSpace(key)) problems.Add("metadata keys must not be empty");
            else if (key is CatalogMetadata.Kind or CatalogMetadata.Sku) problems.Add($"metadata key '{key}' is set by catalog sync, not by the spec");
            if (value is null) problems.Add($"metadata '{key}' has no value");
        }
        return problems;
    }

    /// <summary>The product metadata a spec wants: its own keys plus <c>cmp.kind</c> and <c>cmp.sku</c>.</summary>
    public static IReadOnlyDictionary<string, string> DesiredMetadata(ProductSpec spec)
    {
        var d = new Dictionary<string, string>(spec.Metadata, StringComparer.Ordinal)
        {
            [CatalogMetadata.Kind] = CatalogTaxonomy.KindValue(spec.Kind),
            [CatalogMetadata.Sku] = spec.Sku,
        };
        return d;
    }

    /// <summary>
    /// Plans <see cref="ISaleorCatalog.EnsureProductAsync"/>. <paramref name="bySku"/> is the product holding the SKU,
    /// <paramref name="bySlug"/> the product holding the spec's slug (either may be null, both may be the same).
    /// A slug held by a product of another SKU is a conflict, never silently taken over.
    /// </summary>
    public static Result<ProductPlan> PlanEnsure(ProductSpec spec, ProductState? bySku, ProductState? bySlug, CatalogContext ctx)
    {
        var problems = Validate(spec, ctx.Currency);
        if (problems.Count > 0)
            return Error.Validation("invalid_product_spec", $"Product spec '{spec.Sku}' is invalid: {string.Join("; ", problems)}.");

        var existing = bySku;
        if (bySlug is not null && bySlug.Id != bySku?.Id)
        {
            var otherSkus = bySlug.Variants.Select(v => v.Sku).Where(s => s is not null && s != spec.Sku).ToList();
            if (bySku is not null || otherSkus.Count > 0)
                return Error.Conflict("product_slug_taken",
                    $"Slug '{spec.Slug}' belongs to another product ({bySlug.Id}{(otherSkus.Count > 0 ? ", SKU " + string.Join(", ", otherSkus) : "")}); choose another slug for {spec.Sku}.");
            existing = bySlug; // a product left without its variant (e.g. an interrupted sync): adopt it
        }

        var changes = new List<string>();
        var warnings = new List<string>();
        var type = CatalogTaxonomy.ProductType(spec.Kind);
        var category = CatalogTaxonomy.Category(spec.Kind);
        var description = EditorJs.Normalize(spec.Description);

        ProductFieldChanges? productChanges = null;
        if (existing is null)
        {
            changes.Add($"create product '{spec.Slug}' ({type.Name}, category {category.Slug})");
        }
        else
        {
            var name = existing.Name != spec.Name ? spec.Name : null;
            var slug = existing.Slug != spec.Slug ? spec.Slug : null;
            var desc = existing.DescriptionText != description ? description : null;
            var setCategory = existing.CategorySlug != category.Slug;
            if (name is not null) changes.Add($"name '{existing.Name}' → '{spec.Name}'");
            if (slug is not null) changes.Add($"slug '{existing.Slug}' → '{spec.Slug}'");
            if (desc is not null) changes.Add("description updated");
            if (setCategory) changes.Add($"category {existing.CategorySlug ?? "none"} → {category.Slug}");
            if (name is not null || slug is not null || desc is not null || setCategory)
                productChanges = new ProductFieldChanges(name, slug, desc, setCategory);
            if (existing.ProductTypeSlug != type.Slug)
                warnings.Add($"product type is '{existing.ProductTypeSlug}', expected '{type.Slug}': Saleor cannot change a product's type; recreate the product to fix it");
        }

        var (metadataToSet, metadataToDelete) = PlanMetadata(DesiredMetadata(spec), existing?.Metadata, changes);

        var listing = PlanListing(existing?.Listing, ListingState.Listed, ctx.Channel, changes);

        var variant = existing?.Variants.FirstOrDefault(v => v.Sku == spec.Sku);
        var track = spec.Kind == ProductKind.Physical;
        VariantFieldChanges? variantChanges = null;
        var createVariant = variant is null;
        if (createVariant)
        {
            changes.Add($"create variant {spec.Sku}{(spec.Weight is { } w ? $" ({w})" : "")}");
        }
        else
        {
            var name = variant!.Name != spec.Name ? spec.Name : null;
            bool? trackChange = variant.TrackInventory != track ? track : null;
            var setWeight = variant.Weight != spec.Weight;
            if (name is not null) changes.Add($"variant name '{variant.Name}' → '{spec.Name}'");
            if (trackChange is not null) changes.Add($"track inventory {variant.TrackInventory.ToString().ToLowerInvariant()} → {track.ToString().ToLowerInvariant()}");
            if (setWeight) changes.Add($"weight {variant.Weight?.ToString() ?? "none"} → {spec.Weight?.ToString() ?? "none"}");
            if (name is not null || trackChange is not null || setWeight)
                variantChanges = new VariantFieldChanges(name, trackChange, setWeight, spec.Weight);
        }

        Money? price = null;
        if (variant?.Price != spec.Price)
        {
            price = spec.Price;
            changes.Add(variant?.Price is { } old ? $"price {old} → {spec.Price}" : $"price {spec.Price} in {ctx.Channel}");
        }

        int? stock = null;
        var current = variant is not null && variant.Stock.TryGetValue(ctx.WarehouseSlug, out var q) ? q : (int?)null;
        if (track)
        {
            // Physical stock is operational data (sales, restocking): only the first row is ours to write.
            if (current is null) stock = spec.InitialStock ?? ctx.DefaultPhysicalStock;
        }
        else if (current is null or <= 0)
        {
            stock = ctx.DigitalStock;
        }
        if (stock is { } s) changes.Add($"stock {s} in warehouse {ctx.WarehouseSlug}");

        return new ProductPlan(spec.Sku, existing, variant, existing is null, productChanges, metadataToSet, metadataToDelete,
            listing, createVariant, variantChanges, price, stock, changes, warnings);
    }

    /// <summary>Plans <see cref="ISaleorCatalog.UnlistAsync"/>: unpublished, hidden and not purchasable in the channel,
    /// but not deleted, so existing orders, their lines and refunds keep working.</summary>
    public static ProductPlan PlanUnlist(string sku, ProductState existing, CatalogContext ctx)
    {
        var changes = new List<string>();
        var listing = existing.Listing is null ? null : PlanListing(existing.Listing, ListingState.Unlisted, ctx.Channel, changes);
        return new ProductPlan(sku, existing, existing.Variants.FirstOrDefault(v => v.Sku == sku), false, null,
            new Dictionary<string, string>(), [], listing, false, null, null, null, changes, []);
    }

    static ListingState? PlanListing(ListingState? current, ListingState desired, string channel, List<string> changes)
    {
        if (current == desired) return null;
        changes.Add(current is null
            ? $"list in {channel} ({desired})"
            : desired == ListingState.Unlisted ? $"unlist in {channel} (was {current})" : $"listing in {channel}: {current} → {desired}");
        return desired;
    }

    /// <summary>Upserts for keys that differ; deletions only for CMP-owned keys (cmp.*, acp.*) the spec dropped, so
    /// metadata written by others (apps, staff) is left alone.</summary>
    static (IReadOnlyDictionary<string, string> Set, IReadOnlyList<string> Delete) PlanMetadata(
        IReadOnlyDictionary<string, string> desired, IReadOnlyDictionary<string, string>? current, List<string> changes)
    {
        var set = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in desired)
        {
            string? old = null;
            if (current?.TryGetValue(key, out old) == true && old == value) continue;
            set[key] = value;
            if (current is not null) changes.Add(old is null ? $"metadata {key} = '{value}'" : $"metadata {key} '{old}' → '{value}'");
        }
        var delete = current?.Keys.Where(k => CatalogMetadata.IsManaged(k) && !desired.ContainsKey(k)).Order(StringComparer.Ordinal).ToList() ?? [];
        foreach (var key in delete) changes.Add($"remove metadata {key}");
        return (set, delete);
    }
}
