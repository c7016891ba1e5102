namespace Cmp.Gateway.Features.Acp.Checkout;

// The version-neutral checkout session: what both ACP wire versions and the MCP tools render. Money is integer minor
// units of Currency (lower-case ISO 4217). Nothing here knows HTTP, JSON wire shapes, EF or GraphQL.

public enum SessionStatus
{
    NotReadyForPayment,
    ReadyForPayment,
    AuthenticationRequired,
    Completed,
    Canceled,
    Expired,
}

public enum FulfillmentKind { Shipping, Digital }

public enum MessageKind { Info, Warning, Error }

/// <summary>What a message points at. Each wire version renders it as its own JSONPath (acp.md §7: the address is
/// <c>$.fulfillment_address</c> in 2025-09-29, <c>$.fulfillment_details.address</c> in 2026-04-17).</summary>
public sealed record ParamTarget(string Kind, int? Index = null, string? Field = null)
{
    public static ParamTarget Line(int index) => new("line", index);
    public static readonly ParamTarget Lines = new("lines");
    public static readonly ParamTarget BuyerEmail = new("buyer_email");
    public static ParamTarget Address(string? field = null) => new("address", Field: field);
    public static readonly ParamTarget FulfillmentOption = new("fulfillment_option");
    public static readonly ParamTarget PaymentData = new("payment_data");
    public static readonly ParamTarget AuthenticationResult = new("authentication_result");
}

public sealed record SessionMessage(MessageKind Kind, string Code, ParamTarget? Param, string Content)
{
    /// <summary>Who resolves it (v2026-04-17 <c>resolution</c>): the agent through the API, or the buyer.</summary>
    public string? Resolution { get; init; }
}

public sealed record SessionAddress(
    string Name,
    string LineOne,
    string? LineTwo,
    string City,
    string State,
    string Country,
    string PostalCode,
    string? Company = null,
    string? Phone = null);

public sealed record SessionBuyer(string? FirstName, string? LastName, string? FullName, string? Email, string? Phone);

public sealed record SessionLine(
    string Id,
    string ItemId,
    int Quantity,
    string Name,
    string? Description,
    string? ImageUrl,
    long UnitAmount,
    long BaseAmount,
    long Discount,
    long Subtotal,
    long Tax,
    long Total,
    string ProductId,
    string VariantId,
    bool RequiresShipping,
    int? AvailableQuantity);

public sealed record FulfillmentOption(
    string Id,
    FulfillmentKind Kind,
    string Title,
    string? Description,
    DateTimeOffset? EarliestDelivery,
    DateTimeOffset? LatestDelivery,
    long Subtotal,
    long Tax,
    long Total,
    IReadOnlyList<string> LineIds);

/// <summary>Cart-level amounts; <see cref="Fulfillment"/> is null until a fulfilment option is chosen.</summary>
public sealed record SessionTotals(long ItemsBase, long ItemsDiscount, long Subtotal, long Discount, long? Fulfillment, long Tax, long Total)
{
    /// <summary>Rounding left over between Saleor's total and the sum of its parts (normally 0).</summary>
    public long Fee { get; init; }
}

public sealed record SessionLink(string Kind, string Url);

/// <summary>The 3-D Secure challenge shown while a session is <see cref="SessionStatus.AuthenticationRequired"/>.</summary>
public sealed record AuthenticationChallenge(
    string AcquirerBin,
    string AcquirerCountry,
    string AcquirerMerchantId,
    string MerchantName,
    string DirectoryServer,
    string? FlowPreference);

/// <summary>The order a completed session became; <see cref="Detail"/> is known when it was read from Saleor.</summary>
public sealed record SessionOrder(string Id, string? Number, string PermalinkUrl, string Status)
{
    public OrderView? Detail { get; init; }
}

public sealed record CheckoutSessionView(
    string Id,
    SessionStatus Status,
    string Currency,
    SessionBuyer? Buyer,
    IReadOnlyList<SessionLine> Lines,
    SessionAddress? FulfillmentAddress,
    IReadOnlyList<FulfillmentOption> FulfillmentOptions,
    IReadOnlyList<string> SelectedOptionIds,
    SessionTotals Totals,
    IReadOnlyList<SessionMessage> Messages,
    IReadOnlyList<SessionLink> Links,
    AuthenticationChallenge? Authentication,
    SessionOrder? Order,
    IReadOnlyList<string> AgentInterventions,
    string? Locale,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset ExpiresAt);
