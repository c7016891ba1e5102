using Cmp.Primitives;

namespace Cmp.Saleor.Webhooks;

/// <summary>The order events CMP subscribes to.</summary>
public enum SaleorOrderEventType
{
    OrderFullyPaid,
    OrderRefunded,
    OrderFullyRefunded,
    OrderCancelled,
}

/// <summary>An order event as the provisioner needs it, free of JSON and GraphQL types.</summary>
/// <param name="IssuedAt">When the triggering request happened; identical across retries, so not a unique key.</param>
/// <param name="PayloadErrors">Resolver errors Saleor put next to the fields (a field it could not resolve is then null).</param>
public sealed record SaleorOrderEvent(
    SaleorOrderEventType Type,
    DateTimeOffset? IssuedAt,
    string? SaleorVersion,
    SaleorOrderSnapshot Order,
    IReadOnlyList<string> PayloadErrors);

/// <summary>The order at the time Saleor rendered the payload.</summary>
/// <param name="Id">Global id (<c>Order:&lt;uuid&gt;</c>): the idempotency key of everything done for this order.</param>
/// <param name="UserId">The Saleor customer's global id; null for guest checkouts.</param>
public sealed record SaleorOrderSnapshot(
    string Id,
    string Number,
    DateTimeOffset? Created,
    string? Status,
    string? ChargeStatus,
    string? UserEmail,
    string? UserId,
    string? ChannelSlug,
    Money Total,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyList<SaleorOrderLine> Lines);

/// <summary>One order line.</summary>
/// <param name="Sku">The SKU snapshot taken at order time (<c>productSku</c>), else the live variant's SKU; null only if both are gone.</param>
/// <param name="VariantId">The variant's global id snapshot (<c>productVariantId</c>), else the live variant's.</param>
/// <param name="VariantMetadata">Current variant metadata (empty when the variant was deleted).</param>
/// <param name="ProductMetadata">Current product metadata, e.g. <c>cmp.kind</c>, <c>cmp.credits</c>.</param>
public sealed record SaleorOrderLine(
    string Id,
    string? Sku,
    int Quantity,
    string? ProductName,
    string? VariantName,
    string? VariantId,
    string? ProductId,
    string? ProductSlug,
    IReadOnlyDictionary<string, string> LineMetadata,
    IReadOnlyDictionary<string, string> VariantMetadata,
    IReadOnlyDictionary<string, string> ProductMetadata);
