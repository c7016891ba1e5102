using System.Text.Json;
using Cmp.Primitives;
using Cmp.Saleor.Catalog;
using Cmp.Saleor.Client;
using Microsoft.Extensions.Options;

namespace Cmp.Provisioner.Features.WriteBack;

/// <summary>
/// What the provisioner writes back to Saleor: private metadata on the order (what was provisioned, for support and
/// for the storefront's order page through an app) and fulfilment of the digital lines it delivered. Both are safe to
/// repeat: metadata is an upsert, and fulfilment re-reads the order and fulfils only what is still unfulfilled.
/// </summary>
public sealed class SaleorWriteBack(ISaleorClient saleor, IOptions<CatalogOptions> catalog)
{
    /// <summary>Keys CMP writes in the order's private metadata.</summary>
    public static class Keys
    {
        public const string Provisioning = "cmp.provisioning";
        public const string Tenant = "cmp.tenant_id";
        public const string Instances = "cmp.instance_ids";
        public const string Credits = "cmp.credits_granted";
        public const string Skipped = "cmp.skipped";
    }

    string? _warehouseId;

    public Task<Result<Unit>> TagAsync(string orderId, IReadOnlyDictionary<string, string> values, CancellationToken ct) =>
        saleor.UpdatePrivateMetadataAsync(orderId, values, ct);

    /// <summary>Fulfils the given lines where they are digital and not yet fully fulfilled; returns how many units it fulfilled.</summary>
    public async Task<Result<int>> FulfilDigitalLinesAsync(string orderId, IReadOnlySet<string> lineIds, CancellationToken ct)
    {
        var order = await saleor.GetOrderAsync(orderId, ct);
        if (!order.IsSuccess) return order.Error;
        var due = order.Value.Lines.Where(l => lineIds.Contains(l.Id) && !l.IsShippingRequired && l.QuantityToFulfill > 0).ToList();
        if (due.Count == 0) return 0;
        var warehouse = await WarehouseIdAsync(ct);
        if (!warehouse.IsSuccess) return warehouse.Error;
        var fulfilled = await saleor.FulfilAsync(orderId, due.Select(l => new FulfilmentLine(l.Id, l.QuantityToFulfill, warehouse.Value)).ToList(), ct);
        return fulfilled.IsSuccess ? due.Sum(l => l.QuantityToFulfill) : fulfilled.Error;
    }

    /// <summary>Digital goods are fulfilled from the catalog's warehouse (<c>Saleor:Catalog:WarehouseSlug</c>).</summary>
    async Task<Result<string>> WarehouseIdAsync(CancellationToken ct)
    {
        if (_warehouseId is not null) return _warehouseId;
        var slug = catalog.Value.WarehouseSlug;
        var r = await saleor.ExecuteAsync<JsonElement>("Warehouses", new { slugs = new[] { slug } }, ct);
        if (!r.IsSuccess) return r.Error;
        var edges = r.Value.GetProperty("warehouses").GetProperty("edges");
        if (edges.GetArrayLength() == 0)
            return Error.Permanent("warehouse_missing", $"Saleor has no warehouse '{slug}' (Saleor:Catalog:WarehouseSlug) to fulfil digital lines from; run 'saleor install'.");
        return _warehouseId = edges[0].GetProperty("node").GetProperty("id").GetString()!;
    }
}
