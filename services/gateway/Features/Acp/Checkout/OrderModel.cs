using Cmp.Gateway.Infrastructure.Commerce.Saleor;
using Cmp.Saleor.Client;

namespace Cmp.Gateway.Features.Acp.Checkout;

public sealed record OrderLineView(string Id, string Title, string? Sku, int Ordered, int Current, int Fulfilled, long UnitPrice, long Subtotal, string? ImageUrl)
{
    /// <summary>ACP's derivation: removed, fulfilled, partial, processing.</summary>
    public string Status => Current == 0 ? "removed" : Fulfilled >= Current ? "fulfilled" : Fulfilled > 0 ? "partial" : "processing";
}

public sealed record OrderFulfillmentView(string Id, string Type, string Status, string? TrackingNumber, IReadOnlyList<(string LineId, int Quantity)> Lines);

/// <summary>
/// An order as agents see it, version-neutral. <see cref="Status"/> uses the 2026-04-17 vocabulary (created, confirmed,
/// manual_review, processing, shipped, completed, canceled); 2025-09-29 renders map it onto their six values.
/// </summary>
public sealed record OrderView(
    string Id,
    string Number,
    string CheckoutSessionId,
    string PermalinkUrl,
    string Status,
    string Currency,
    IReadOnlyList<OrderLineView> Lines,
    IReadOnlyList<OrderFulfillmentView> Fulfillments,
    long Subtotal,
    long Shipping,
    long Tax,
    long Total,
    long Refunded,
    DateTimeOffset Created,
    DateTimeOffset Updated,
    string? BuyerEmail);

public static class OrderMapping
{
    public static OrderView FromSaleor(BuyerOrder o, string sessionId, MerchantOptions merchant)
    {
        var currency = o.Total.Currency;
        long M(SaleorMoney m) => SessionProjector.Minor(m, currency);
        var lines = o.Lines.Select(l => new OrderLineView(SessionIds.Line(l.Id), string.IsNullOrWhiteSpace(l.VariantName) || l.ProductName.Contains(l.VariantName, StringComparison.OrdinalIgnoreCase)
                ? l.ProductName : $"{l.ProductName} ({l.VariantName})",
            l.ProductSku, l.Quantity, o.Status is "CANCELED" or "EXPIRED" ? 0 : l.Quantity, l.QuantityFulfilled,
            M(l.UnitPrice.Gross), M(l.TotalPrice.Gross), l.Thumbnail?.Url)).ToArray();
        var fulfillments = (o.Fulfillments ?? []).Select(f => new OrderFulfillmentView(
            "ful_" + SessionIds.Line(f.Id)[3..], o.IsShippingRequired ? "shipping" : "digital",
            f.Status switch { "FULFILLED" => o.IsShippingRequired ? "shipped" : "delivered", "CANCELED" => "canceled", "REFUNDED" or "RETURNED" => "canceled", _ => "processing" },
            string.IsNullOrEmpty(f.TrackingNumber) ? null : f.TrackingNumber,
            (f.Lines ?? []).Where(x => x.OrderLine is not null).Select(x => (SessionIds.Line(x.OrderLine!.Id), x.Quantity)).ToArray())).ToArray();
        var total = M(o.Total.Gross);
        var shipping = M(o.ShippingPrice.Gross);
        return new OrderView(o.Id, o.Number, sessionId, SessionProjector.OrderUrl(merchant, o.Id, o.Number), StatusOf(o), currency.ToLowerInvariant(),
            lines, fulfillments, M(o.Subtotal.Net), shipping, total - M(o.Total.Net), total, o.TotalRefunded is { } r ? M(r) : 0,
            o.Created, o.UpdatedAt ?? o.Created, o.UserEmail);
    }

    /// <summary>Saleor's order status in ACP's vocabulary (2026-04-17 values).</summary>
    public static string StatusOf(BuyerOrder o) => o.Status switch
    {
        "CANCELED" or "EXPIRED" => "canceled",
        "DRAFT" => "created",
        "UNCONFIRMED" => "manual_review",
        "UNFULFILLED" => o.IsPaid ? "confirmed" : "created",
        "PARTIALLY_FULFILLED" => "processing",
        "FULFILLED" or "RETURNED" or "PARTIALLY_RETURNED" => o.IsShippingRequired ? "shipped" : "completed",
        _ => "processing",
    };

    /// <summary>2025-09-29's six order statuses.</summary>
    public static string ToV20250929(string status) => status switch
    {
        "created" => "created",
        "manual_review" => "manual_review",
        "canceled" => "canceled",
        "shipped" => "shipped",
        "completed" => "fulfilled",
        _ => "confirmed",
    };
}
