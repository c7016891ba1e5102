using System.Text.Json;
using Cmp.Primitives;
using Cmp.Saleor.Client;
using Microsoft.Extensions.Logging;

namespace Cmp.Saleor.Catalog;

/// <summary>
/// <see cref="ISaleorCatalog"/> over the Saleor client: read what exists, plan with <see cref="CatalogPlanner"/>,
/// apply the plan step by step. A failure part-way returns the step that failed; running again converges, because
/// every step is planned from what exists at that time.
/// </summary>
public sealed partial class SaleorCatalog(ISaleorClient client, CatalogOptions options, ILogger<SaleorCatalog> logger) : ISaleorCatalog
{
    public async Task<Result<CatalogChangeSet>> EnsureProductAsync(ProductSpec spec, bool dryRun = false, CancellationToken ct = default)
    {
        var problems = CatalogPlanner.Validate(spec);
        if (problems.Count > 0)
            return Error.Validation("invalid_product_spec", $"Product spec '{spec.Sku}' is invalid: {string.Join("; ", problems)}.");
        var channel = await ChannelAsync(ct);
        if (!channel.TryGetValue(out var ch, out var channelError)) return channelError;

        // The product's type, category and warehouse first: they are shared, and a product cannot exist without them.
        var foundation = await EnsureFoundationAsync(ch, [spec.Kind], dryRun, ct);
        if (!foundation.TryGetValue(out var f, out var foundationError)) return foundationError;

        var bySku = await FindBySkuAsync(spec.Sku, ct);
        if (!bySku.IsSuccess) return bySku.Error;
        ProductState? bySlug = null;
        if (bySku.Value?.Slug != spec.Slug)
        {
            var slug = await FindBySlugAsync(spec.Slug, ct);
            if (!slug.IsSuccess) return slug.Error;
            bySlug = slug.Value;
        }

        var planned = CatalogPlanner.PlanEnsure(spec, bySku.Value, bySlug, Context(ch));
        if (!planned.TryGetValue(out var plan, out var planError)) return planError;
        var changes = f.Sets.SelectMany(s => s.Changes.Select(c => $"{s.ObjectType} {s.Key}: {c}")).Concat(plan.Changes).ToList();
        var warnings = f.Sets.SelectMany(s => s.Warnings).Concat(plan.Warnings).ToList();
        var result = CatalogChangeSet.From("product", spec.Sku, plan.CreateProduct, changes, warnings, dryRun);
        if (dryRun || !plan.HasChanges) return result;

        var applied = await ApplyAsync(spec, plan, ch, f.WarehouseId!, f.TypeIds, f.CategoryIds, ct);
        if (!applied.IsSuccess) return applied.Error;
        logger.LogInformation("Catalog: {Sku} {Outcome}: {Changes}", spec.Sku, result.Outcome, string.Join("; ", plan.Changes));
        return result;
    }

    public async Task<Result<CatalogChangeSet>> UnlistAsync(string sku, bool dryRun = false, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(sku)) return Error.Validation("invalid_sku", "A SKU is required.");
        var channel = await ChannelAsync(ct);
        if (!channel.TryGetValue(out var ch, out var channelError)) return channelError;
        var found = await FindBySkuAsync(sku, ct);
        if (!found.IsSuccess) return found.Error;
        if (found.Value is null) return Error.NotFound("sku_not_found", $"No product variant has SKU '{sku}' in Saleor.");

        var plan = CatalogPlanner.PlanUnlist(sku, found.Value, Context(ch));
        var result = CatalogChangeSet.From("product", sku, false, plan.Changes, plan.Warnings, dryRun);
        if (dryRun || plan.ListingToSet is null) return result;
        var step = await SetListingAsync(found.Value.Id, ch, plan.ListingToSet, ct);
        if (!step.IsSuccess) return Step(sku, "unlisting", step.Error);
        logger.LogInformation("Catalog: {Sku} unlisted in {Channel}", sku, ch.Slug);
        return result;
    }

    async Task<Result<Unit>> ApplyAsync(ProductSpec spec, ProductPlan plan, SaleorChannel channel, string warehouseId,
        IReadOnlyDictionary<ProductKind, string> typeIds, IReadOnlyDictionary<ProductKind, string> categoryIds, CancellationToken ct)
    {
        string productId;
        if (plan.CreateProduct)
        {
            var created = await client.ExecuteAsync<ProductCreateData>("ProductCreate", new
            {
                input = new Dictionary<string, object?>
                {
                    ["productType"] = typeIds[spec.Kind],
                    ["category"] = categoryIds[spec.Kind],
                    ["name"] = spec.Name,
                    ["slug"] = spec.Slug,
                    ["description"] = EditorJs.FromPlainText(spec.Description),
                    ["metadata"] = MetadataItem.FromDictionary(plan.MetadataToSet),
                },
            }, ct);
            if (!created.IsSuccess) return Step(spec.Sku, "creating the product", created.Error);
            productId = created.Value.ProductCreate.Product!.Id;
        }
        else
        {
            productId = plan.Existing!.Id;
            if (plan.ProductChanges is { } pc)
            {
                var input = new Dictionary<string, object?>();
                if (pc.Name is not null) input["name"] = pc.Name;
                if (pc.Slug is not null) input["slug"] = pc.Slug;
                if (pc.Description is not null) input["description"] = EditorJs.FromPlainText(pc.Description); // null clears it
                if (pc.SetCategory) input["category"] = categoryIds[spec.Kind];
                var updated = await client.ExecuteAsync<JsonElement>("ProductUpdate", new { id = productId, input }, ct);
                if (!updated.IsSuccess) return Step(spec.Sku, "updating the product", updated.Error);
            }
            if (plan.MetadataToSet.Count > 0)
            {
                var meta = await client.ExecuteAsync<JsonElement>("UpdateMetadata", new { id = productId, input = MetadataItem.FromDictionary(plan.MetadataToSet) }, ct);
                if (!meta.IsSuccess) return Step(spec.Sku, "updating metadata", meta.Error);
            }
        }
        if (plan.MetadataToDelete.Count > 0)
        {
            var deleted = await client.ExecuteAsync<JsonElement>("DeleteMetadata", new { id = productId, keys = plan.MetadataToDelete }, ct);
            if (!deleted.IsSuccess) return Step(spec.Sku, "removing metadata", deleted.Error);
        }
        // The product must be in the channel before its variant can be priced there (PRODUCT_NOT_ASSIGNED_TO_CHANNEL).
        if (plan.ListingToSet is { } listing)
        {
            var listed = await SetListingAsync(productId, channel, listing, ct);
            if (!listed.IsSuccess) return Step(spec.Sku, "listing the product", listed.Error);
        }

        string variantId;
        var track = spec.Kind == ProductKind.Physical;
        if (plan.CreateVariant)
        {
            var input = new Dictionary<string, object?>
            {
                ["product"] = productId,
                ["sku"] = spec.Sku,
                ["name"] = spec.Name,
                ["trackInventory"] = track,
                ["attributes"] = Array.Empty<object>(), // required by Saleor even when the type has no attributes
                ["stocks"] = plan.StockToSet is { } q ? new[] { new { warehouse = warehouseId, quantity = q } } : [],
            };
            if (spec.Weight is { } w) input["weight"] = WeightInput(w);
            var created = await client.ExecuteAsync<VariantCreateData>("ProductVariantCreate", new { input }, ct);
            if (!created.IsSuccess) return Step(spec.Sku, "creating the variant", created.Error);
            variantId = created.Value.ProductVariantCreate.ProductVariant!.Id;
        }
        else
        {
            variantId = plan.ExistingVariant!.Id;
            if (plan.VariantChanges is { } vc)
            {
                var input = new Dictionary<string, object?>();
                if (vc.Name is not null) input["name"] = vc.Name;
                if (vc.TrackInventory is { } t) input["trackInventory"] = t;
                if (vc.SetWeight) input["weight"] = vc.Weight is { } w ? WeightInput(w) : null;
                var updated = await client.ExecuteAsync<JsonElement>("ProductVariantUpdate", new { id = variantId, input }, ct);
                if (!updated.IsSuccess) return Step(spec.Sku, "updating the variant", updated.Error);
            }
            if (plan.StockToSet is { } quantity)
            {
                var stock = await client.ExecuteAsync<JsonElement>("ProductVariantStocksUpdate",
                    new { variantId, stocks = new[] { new { warehouse = warehouseId, quantity } } }, ct);
                if (!stock.IsSuccess) return Step(spec.Sku, "setting stock", stock.Error);
            }
        }

        if (plan.PriceToSet is { } price)
        {
            var priced = await client.ExecuteAsync<JsonElement>("ProductVariantChannelListingUpdate",
                new { id = variantId, input = new[] { new { channelId = channel.Id, price = price.ToMajor() } } }, ct);
            if (!priced.IsSuccess) return Step(spec.Sku, "setting the price", priced.Error);
        }
        return Unit.Value;
    }

    Task<Result<JsonElement>> SetListingAsync(string productId, SaleorChannel channel, ListingState listing, CancellationToken ct) =>
        client.ExecuteAsync<JsonElement>("ProductChannelListingUpdate", new
        {
            id = productId,
            input = new
            {
                updateChannels = new[]
                {
                    new
                    {
                        channelId = channel.Id,
                        isPublished = listing.IsPublished,
                        visibleInListings = listing.VisibleInListings,
                        isAvailableForPurchase = listing.IsAvailableForPurchase,
                    },
                },
            },
        }, ct);

    async Task<Result<ProductState?>> FindBySkuAsync(string sku, CancellationToken ct)
    {
        var r = await client.ExecuteAsync<ProductBySkuData>("ProductBySku", new { sku }, ct);
        if (!r.IsSuccess) return r.Error;
        return Result<ProductState?>.Success(r.Value.ProductVariant?.Product is { } p ? SaleorCatalogReader.ToState(p, options.Channel) : null);
    }

    async Task<Result<ProductState?>> FindBySlugAsync(string slug, CancellationToken ct)
    {
        var r = await client.ExecuteAsync<ProductBySlugData>("ProductBySlug", new { slug }, ct);
        if (!r.IsSuccess) return r.Error;
        return Result<ProductState?>.Success(r.Value.Product is { } p ? SaleorCatalogReader.ToState(p, options.Channel) : null);
    }

    /// <summary>Saleor's WeightScalar input: explicit unit, so the shop's default weight unit does not matter.</summary>
    static object WeightInput(Weight w) => new { unit = "g", value = w.Grams };

    CatalogContext Context(SaleorChannel channel) =>
        new(channel.Slug, channel.CurrencyCode, options.WarehouseSlug, options.DigitalStock, options.DefaultPhysicalStock);

    static Error Step(string subject, string step, Error error) => error with { Message = $"{subject}: {step} failed: {error.Message}" };

    sealed record ProductBySkuData(SkuVariant? ProductVariant);
    sealed record SkuVariant(string Id, CatalogProductNode Product);
    sealed record ProductBySlugData(CatalogProductNode? Product);
    sealed record ProductCreateData(ProductPayload ProductCreate);
    sealed record ProductPayload(CatalogProductNode? Product);
    sealed record VariantCreateData(VariantPayload ProductVariantCreate);
    sealed record VariantPayload(CatalogVariantNode? ProductVariant);
}
