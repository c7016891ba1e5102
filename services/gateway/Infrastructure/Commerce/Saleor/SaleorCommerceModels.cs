using Cmp.Primitives;
using Cmp.Saleor.Client;

namespace Cmp.Gateway.Infrastructure.Commerce.Saleor;

// Records for the CheckoutFields, VariantCard, BuyerOrderFields fragments (Cmp.Saleor/Operations). Only what agent
// commerce reads is declared. Amounts stay Saleor's decimals here; SessionProjector converts them once to minor units.

public sealed record TaxedMoney(string Currency, SaleorMoney Gross, SaleorMoney Net, SaleorMoney Tax);

public sealed record Thumbnail(string Url, string? Alt);

public sealed record CountryRef(string Code);

public sealed record SaleorAddress(
    string? FirstName,
    string? LastName,
    string? CompanyName,
    string? StreetAddress1,
    string? StreetAddress2,
    string? City,
    string? CityArea,
    string? PostalCode,
    CountryRef? Country,
    string? CountryArea,
    string? Phone);

public sealed record CheckoutLineProduct(string Id, string Name, string Slug, string? Description, Thumbnail? Thumbnail, IReadOnlyList<MetadataItem>? Metadata);

public sealed record CheckoutLineVariant(string Id, string? Sku, string Name, int? QuantityAvailable, CheckoutLineProduct Product);

public sealed record CheckoutLine(
    string Id,
    int Quantity,
    bool RequiresShipping,
    CheckoutLineVariant Variant,
    TaxedMoney UnitPrice,
    SaleorMoney? UndiscountedUnitPrice,
    TaxedMoney TotalPrice);

public sealed record ShippingMethod(string Id, string Name, bool Active, string? Message, int? MinimumDeliveryDays, int? MaximumDeliveryDays, SaleorMoney Price);

public sealed record DeliveryShippingMethod(string Id, string Name, SaleorMoney Price);

public sealed record CheckoutDelivery(string Id, DeliveryShippingMethod? ShippingMethod);

public sealed record ProblemLine(string Id);

public sealed record ProblemVariant(string Id, string? Sku);

/// <summary>A line problem: <c>CheckoutLineProblemInsufficientStock</c> or <c>CheckoutLineProblemVariantNotAvailable</c>.</summary>
public sealed record CheckoutProblem(string __typename, int? AvailableQuantity, ProblemLine? Line, ProblemVariant? Variant)
{
    public bool IsInsufficientStock => __typename == "CheckoutLineProblemInsufficientStock";
}

public sealed record ChannelSlug(string Slug);

public sealed record SaleorCheckout(
    string Id,
    string? Email,
    bool IsShippingRequired,
    int Quantity,
    ChannelSlug Channel,
    IReadOnlyList<CheckoutLine> Lines,
    TaxedMoney SubtotalPrice,
    TaxedMoney ShippingPrice,
    TaxedMoney TotalPrice,
    SaleorMoney TotalBalance,
    SaleorAddress? BillingAddress,
    SaleorAddress? ShippingAddress,
    IReadOnlyList<ShippingMethod> ShippingMethods,
    CheckoutDelivery? Delivery,
    string ChargeStatus,
    string AuthorizeStatus,
    IReadOnlyList<CheckoutProblem>? Problems,
    IReadOnlyList<MetadataItem>? Metadata)
{
    public Money Total => TotalPrice.Gross.ToMoney();
}

// VariantCard + product
public sealed record TaxedPrice(TaxedMoney? Price);

public sealed record ProductTypeShipping(bool IsShippingRequired);

public sealed record VariantProduct(
    string Id,
    string Name,
    string Slug,
    string? Description,
    bool? IsAvailableForPurchase,
    Thumbnail? Thumbnail,
    ProductTypeShipping? ProductType,
    IReadOnlyList<MetadataItem>? Metadata);

public sealed record CatalogVariantInfo(
    string Id,
    string? Sku,
    string Name,
    bool TrackInventory,
    int? QuantityAvailable,
    IReadOnlyList<MetadataItem>? Metadata,
    TaxedPrice? Pricing,
    VariantProduct Product);

// BuyerOrderFields
public sealed record OrderFulfillmentLine(int Quantity, IdOnlyNode? OrderLine);

public sealed record OrderFulfillment(string Id, string Status, DateTimeOffset? Created, string? TrackingNumber, IReadOnlyList<OrderFulfillmentLine>? Lines);

public sealed record BuyerOrderLine(
    string Id,
    string ProductName,
    string VariantName,
    string? ProductSku,
    string? ProductVariantId,
    int Quantity,
    int QuantityFulfilled,
    TaxedMoney UnitPrice,
    TaxedMoney TotalPrice,
    Thumbnail? Thumbnail);

public sealed record BuyerOrder(
    string Id,
    string Number,
    DateTimeOffset Created,
    DateTimeOffset? UpdatedAt,
    string Status,
    string ChargeStatus,
    bool IsPaid,
    string? UserEmail,
    ChannelSlug Channel,
    TaxedMoney Total,
    TaxedMoney Subtotal,
    TaxedMoney ShippingPrice,
    SaleorMoney? TotalRefunded,
    bool IsShippingRequired,
    IReadOnlyList<OrderFulfillment>? Fulfillments,
    IReadOnlyList<BuyerOrderLine> Lines,
    IReadOnlyList<MetadataItem>? Metadata);

public sealed record CheckoutTransaction(string Id, string? PspReference, string? Name, SaleorMoney ChargedAmount);
