using System.Text.Json;
using Cmp.Primitives;

namespace Cmp.Saleor.Client;

// The typed calls the provisioner makes on orders (MANAGE_ORDERS). Other services add theirs the same way: a record
// for the fragment, an extension method naming the operation.

public sealed record OrderUser(string Id, string? Email);

public sealed record OrderChannel(string Slug, string? CurrencyCode);

public sealed record GrossOnly(SaleorMoney Gross);

public sealed record OrderLineProduct(string Id, string Slug, IReadOnlyList<MetadataItem> Metadata);

public sealed record OrderLineVariant(string Id, string? Sku, IReadOnlyList<MetadataItem> Metadata, OrderLineProduct? Product);

public sealed record OrderLineNode(
    string Id,
    string ProductName,
    string VariantName,
    string? ProductSku,
    string? ProductVariantId,
    int Quantity,
    int QuantityFulfilled,
    int QuantityToFulfill,
    bool IsShippingRequired,
    IReadOnlyList<MetadataItem> Metadata,
    IReadOnlyList<MetadataItem> PrivateMetadata,
    OrderLineVariant? Variant);

public sealed record FulfillmentLineNode(string Id, int Quantity, IdOnlyNode? OrderLine);

public sealed record IdOnlyNode(string Id);

public sealed record FulfillmentNode(string Id, string Status, IdSlug? Warehouse, IReadOnlyList<FulfillmentLineNode>? Lines);

public sealed record OrderTransactionNode(string Id, string? PspReference, SaleorMoney ChargedAmount, SaleorMoney RefundedAmount);

/// <summary>The <c>OrderDetails</c> fragment: the order as the provisioner reads it back.</summary>
public sealed record SaleorOrder(
    string Id,
    string Number,
    string Status,
    string ChargeStatus,
    bool IsPaid,
    string? UserEmail,
    OrderUser? User,
    OrderChannel Channel,
    GrossOnly Total,
    SaleorMoney TotalCharged,
    SaleorMoney TotalRefunded,
    IReadOnlyList<MetadataItem> Metadata,
    IReadOnlyList<MetadataItem> PrivateMetadata,
    IReadOnlyList<OrderLineNode> Lines,
    IReadOnlyList<FulfillmentNode> Fulfillments,
    IReadOnlyList<OrderTransactionNode> Transactions)
{
    public IReadOnlyDictionary<string, string> PrivateMetadataMap => MetadataItem.ToDictionary(PrivateMetadata);
}

/// <summary>One line to fulfil from one warehouse.</summary>
public sealed record FulfilmentLine(string OrderLineId, int Quantity, string WarehouseId);

public static class SaleorOrders
{
    /// <summary>The order, or NotFound (Saleor answers null for an unknown id).</summary>
    public static async Task<Result<SaleorOrder>> GetOrderAsync(this ISaleorClient client, string orderId, CancellationToken ct = default)
    {
        var r = await client.ExecuteAsync<OrderData>("Order", new { id = orderId }, ct);
        if (!r.IsSuccess) return r.Error;
        return r.Value.Order is { } order ? order : Error.NotFound("order_not_found", $"Saleor has no order {orderId}.");
    }

    /// <summary>Upserts private metadata keys on an order, line or any object (others' keys are kept). Idempotent
    /// by construction (setting a value twice is the same), so a retry after an unclear failure is safe.</summary>
    public static async Task<Result<Unit>> UpdatePrivateMetadataAsync(this ISaleorClient client, string id,
        IReadOnlyDictionary<string, string> values, CancellationToken ct = default)
    {
        var r = await client.ExecuteAsync<JsonElement>("UpdatePrivateMetadata", new { id, input = MetadataItem.FromDictionary(values) }, ct);
        return r.IsSuccess ? Unit.Value : r.Error;
    }

    /// <summary>Public metadata, same rules as <see cref="UpdatePrivateMetadataAsync"/>.</summary>
    public static async Task<Result<Unit>> UpdateMetadataAsync(this ISaleorClient client, string id,
        IReadOnlyDictionary<string, string> values, CancellationToken ct = default)
    {
        var r = await client.ExecuteAsync<JsonElement>("UpdateMetadata", new { id, input = MetadataItem.FromDictionary(values) }, ct);
        return r.IsSuccess ? Unit.Value : r.Error;
    }

    /// <summary>Marks lines fulfilled without notifying the customer (digital delivery). NOT idempotent: Saleor
    /// creates a fulfilment per call, so read the order's fulfilments before retrying an unclear failure.</summary>
    public static async Task<Result<IReadOnlyList<string>>> FulfilAsync(this ISaleorClient client, string orderId,
        IReadOnlyList<FulfilmentLine> lines, CancellationToken ct = default)
    {
        var input = lines.Select(l => new { orderLineId = l.OrderLineId, stocks = new[] { new { quantity = l.Quantity, warehouse = l.WarehouseId } } }).ToArray();
        var r = await client.ExecuteAsync<FulfilData>("OrderFulfill", new { order = orderId, lines = input }, ct);
        if (!r.IsSuccess) return r.Error;
        return (r.Value.OrderFulfill.Fulfillments ?? []).Select(f => f.Id).ToArray();
    }

    sealed record OrderData(SaleorOrder? Order);
    sealed record FulfilData(FulfilPayload OrderFulfill);
    sealed record FulfilPayload(IReadOnlyList<IdOnlyNode>? Fulfillments);
}
