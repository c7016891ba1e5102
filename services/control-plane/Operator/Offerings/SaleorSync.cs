using Cmp.Kubernetes.Model;
using Cmp.Kubernetes.Resources;
using Cmp.Primitives;
using Cmp.Saleor.Catalog;
using Cmp.Saleor.Client;

namespace Cmp.ControlPlane.Operator.Offerings;

/// <summary>What catalog sync did to one offering, as a condition (and, on failure, the error the runtime acts on).</summary>
public sealed record SaleorSyncOutcome(string Status, string Reason, string Message, string? ProductId = null, string? VariantId = null, Error? Error = null)
{
    public bool Failed => Status == ConditionStatus.False;
}

/// <summary>
/// Makes Saleor sell an offering as declared, through the catalog sync the installer also uses: enabled → product,
/// variant, price and channel listing ensured; disabled → unlisted (never deleted: old orders keep their product).
/// Saleor's failures become reasons: outages are retried with backoff, anything a retry cannot fix (permissions, a
/// slug held by another SKU, a currency the channel does not sell in) waits for a change or the next resync.
/// </summary>
public sealed class SaleorSync(ISaleorCatalog? catalog, ISaleorClient? client)
{
    const string Permissions = "MANAGE_PRODUCTS, MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES and MANAGE_CHANNELS";

    public bool Enabled => catalog is not null;

    public async Task<SaleorSyncOutcome> SyncAsync(AgentOfferingSpec spec, CancellationToken ct)
    {
        if (catalog is null)
            return new(ConditionStatus.Unknown, OfferingReasons.SyncDisabled,
                "Saleor sync is off (Operator:Offerings:SaleorSync=false): the Saleor product is managed elsewhere.");
        var product = OfferingMapping.ToProductSpec(spec);
        if (!product.IsSuccess) return Failure(product.Error);
        if (spec.Enabled)
        {
            var ensured = await catalog.EnsureProductAsync(product.Value, ct: ct);
            if (!ensured.IsSuccess) return Failure(ensured.Error);
            var (productId, variantId) = await IdsAsync(spec.Sku, ct);
            var changes = ensured.Value.Outcome switch
            {
                CatalogOutcome.Created => $"Created product '{product.Value.Slug}' listed at {product.Value.Price}.",
                CatalogOutcome.Updated => $"Updated: {string.Join("; ", ensured.Value.Changes)}.",
                _ => $"Product '{product.Value.Slug}', its variant, price ({product.Value.Price}) and listing match the spec.",
            };
            return new(ConditionStatus.True, OfferingReasons.Synced, WithWarnings(changes, ensured.Value), productId, variantId);
        }
        var unlisted = await catalog.UnlistAsync(spec.Sku, ct: ct);
        if (!unlisted.IsSuccess && unlisted.Error.Kind == ErrorKind.NotFound)
            return new(ConditionStatus.True, OfferingReasons.NotInSaleor, "Disabled and not in Saleor: nothing to unlist.");
        if (!unlisted.IsSuccess) return Failure(unlisted.Error);
        var (pid, vid) = await IdsAsync(spec.Sku, ct);
        return new(ConditionStatus.True, OfferingReasons.Unlisted,
            WithWarnings("Unlisted in Saleor (unpublished, hidden, not purchasable); the product stays for existing orders.", unlisted.Value), pid, vid);
    }

    /// <summary>Takes the SKU off sale (the AgentOffering is being deleted). Not in Saleor counts as done.</summary>
    public async Task<SaleorSyncOutcome> UnlistAsync(string sku, CancellationToken ct)
    {
        if (catalog is null) return new(ConditionStatus.Unknown, OfferingReasons.SyncDisabled, "Saleor sync is off.");
        var unlisted = await catalog.UnlistAsync(sku, ct: ct);
        if (unlisted.IsSuccess || unlisted.Error.Kind == ErrorKind.NotFound)
            return new(ConditionStatus.True, OfferingReasons.Unlisted, "Unlisted in Saleor.");
        return Failure(unlisted.Error);
    }

    /// <summary>Maps a catalog failure to a reason, and to an error the runtime retries only if a retry can help.</summary>
    public static SaleorSyncOutcome Failure(Error e) => e.Kind switch
    {
        ErrorKind.Transient or ErrorKind.Timeout or ErrorKind.RateLimited =>
            new(ConditionStatus.False, OfferingReasons.SaleorUnavailable, $"Saleor did not answer ({e.Code}: {e.Message}); retrying with backoff.", Error: e),
        ErrorKind.Forbidden or ErrorKind.Unauthorized =>
            new(ConditionStatus.False, OfferingReasons.SaleorPermissionDenied,
                $"Saleor refused the app token ({e.Code}: {e.Message}). Saleor:AppToken needs {Permissions}; checked again at the next resync.",
                Error: Error.Permanent(e.Code, e.Message)),
        ErrorKind.Conflict =>
            new(ConditionStatus.False, OfferingReasons.SaleorConflict, $"{e.Message} Change spec.slug, or free the slug in Saleor.",
                Error: Error.Permanent(e.Code, e.Message)),
        _ => new(ConditionStatus.False, OfferingReasons.SaleorRejected, $"Saleor refused the product ({e.Code}): {e.Message}",
            Error: Error.Permanent(e.Code, e.Message)),
    };

    static string WithWarnings(string message, CatalogChangeSet set) =>
        set.Warnings.Count == 0 ? message : $"{message} Warnings: {string.Join("; ", set.Warnings)}.";

    /// <summary>The product and variant ids for the status (best effort: a failed lookup leaves the previous ones).</summary>
    async Task<(string? ProductId, string? VariantId)> IdsAsync(string sku, CancellationToken ct)
    {
        if (client is null) return (null, null);
        var found = await client.ExecuteAsync<VariantLookup>("VariantBySku", new { sku }, ct);
        return found.IsSuccess && found.Value.ProductVariant is { } v ? (v.Product?.Id, v.Id) : (null, null);
    }

    sealed record VariantLookup(VariantRef? ProductVariant);

    sealed record VariantRef(string Id, ProductRef? Product);

    sealed record ProductRef(string Id);
}
