using System.ComponentModel;

namespace Cmp.Gateway.Features.Mcp;

// The structured outputs of the MCP tools (their JSON Schemas are generated from these records). Money is integer
// minor units plus currency, with a display string for the model to quote; SKUs are the item ids everywhere.

[Description("An amount of money: integer minor units (cents) and ISO 4217 currency, plus a display string.")]
public sealed record McpPrice(long Amount, string Currency, string Display);

[Description("A purchasable catalog item (one SKU).")]
public sealed record CatalogItem(
    [property: Description("The SKU: the id to buy it with.")] string Sku,
    [property: Description("The product's stable id (slug).")] string ProductId,
    string Title,
    [property: Description("Short description (the first 300 characters).")] string? Description,
    McpPrice? Price,
    [property: Description("in_stock, limited_stock, out_of_stock or discontinued.")] string Availability,
    [property: Description("Whether it can be bought through this server.")] bool Purchasable,
    [property: Description("agent (an AI agent plan), credits (a credit pack) or physical.")] string Kind,
    bool RequiresShipping,
    string? ImageUrl,
    string Url);

public sealed record CatalogSearchResult(
    IReadOnlyList<CatalogItem> Items,
    [property: Description("Pass back as cursor for the next page; absent on the last page.")] string? NextCursor,
    int? TotalProducts);

[Description("A product with everything needed to decide to buy it.")]
public sealed record ProductDetails(
    string Sku,
    string ProductId,
    string Title,
    string? Description,
    McpPrice? Price,
    string Availability,
    bool Purchasable,
    string Kind,
    bool RequiresShipping,
    [property: Description("Credits an agent plan includes, or a credit pack grants, per unit.")] long? Credits,
    [property: Description("Credits one run of the agent costs.")] long? CreditsPerRun,
    string? ImageUrl,
    string Url);

public sealed record CheckoutLineOut(string LineId, string Sku, string Title, int Quantity, McpPrice UnitPrice, McpPrice Total);

public sealed record FulfillmentOptionOut(
    string Id,
    [property: Description("shipping or digital.")] string Type,
    string Title,
    string? Description,
    McpPrice Price,
    bool Selected);

public sealed record MessageOut(
    [property: Description("error (blocks payment), warning or info.")] string Severity,
    string Code,
    [property: Description("The argument concerned, when there is one.")] string? Field,
    string Text);

public sealed record AddressOut(string Name, string LineOne, string? LineTwo, string City, string State, string Country, string PostalCode);

public sealed record TotalsOut(McpPrice Subtotal, McpPrice? Shipping, McpPrice Tax, McpPrice Discount, McpPrice Total);

[Description("How to pay: delegate a single-use payment token for at most max_amount to this merchant and checkout, then call complete_checkout with it.")]
public sealed record PaymentInstructions(
    string MerchantId,
    string CheckoutSessionId,
    long MaxAmount,
    string Currency,
    [property: Description("The test PSP's delegate_payment endpoint (vt_… tokens), when enabled.")] string? DelegatePaymentUrl,
    [property: Description("Token kinds accepted: vt_ (test PSP), spt_ (Stripe shared payment token).")] IReadOnlyList<string> AcceptedTokens);

[Description("3-D Secure: authenticate the buyer with these details and call complete_checkout again with authentication_result.")]
public sealed record AuthenticationOut(string DirectoryServer, string AcquirerBin, string AcquirerCountry, string AcquirerMerchantId, string MerchantName);

public sealed record OrderLineOut(string Title, string? Sku, int Quantity, int Fulfilled, McpPrice Total);

public sealed record OrderOut(
    string OrderId,
    string OrderNumber,
    [property: Description("created, confirmed, manual_review, processing, shipped, completed or canceled.")] string Status,
    string PermalinkUrl,
    McpPrice Total,
    McpPrice Refunded,
    IReadOnlyList<OrderLineOut> Lines,
    string? CheckoutId);

[Description("A checkout: the cart, what it costs, what is missing, and what to do next.")]
public sealed record CheckoutOut(
    string CheckoutId,
    [property: Description("not_ready_for_payment, ready_for_payment, authentication_required, completed, canceled or expired.")] string Status,
    string? BuyerEmail,
    IReadOnlyList<CheckoutLineOut> Items,
    IReadOnlyList<FulfillmentOptionOut> FulfillmentOptions,
    AddressOut? ShippingAddress,
    TotalsOut Totals,
    IReadOnlyList<MessageOut> Messages,
    PaymentInstructions? Payment,
    AuthenticationOut? Authentication,
    OrderOut? Order,
    [property: Description("What to do next, in plain words.")] string NextStep,
    DateTimeOffset ExpiresAt);

public sealed record AgentOut(Guid InstanceId, string Sku, string Status, string? StatusReason, long? CreditsPerRun, DateTimeOffset CreatedAt);

public sealed record AgentsResult(Guid? TenantId, IReadOnlyList<AgentOut> Agents, string? Hint);

public sealed record CreditBalanceOut(Guid TenantId, long Balance, long Reserved, long Available);

// Tool inputs.

[Description("One item to buy.")]
public sealed record ItemArg(
    [property: Description("The SKU from search_catalog, e.g. CSA-PRO.")] string Sku,
    [property: Description("How many (at least 1).")] int Quantity = 1);

[Description("A postal address.")]
public sealed record AddressArg(
    [property: Description("Recipient's full name.")] string Name,
    [property: Description("Street and number.")] string LineOne,
    string City,
    [property: Description("State, province or region code, e.g. NY.")] string State,
    [property: Description("ISO 3166-1 alpha-2 country code, e.g. US.")] string Country,
    string PostalCode,
    string? LineTwo = null,
    string? Phone = null);

[Description("The result of the 3-D Secure authentication the buyer went through.")]
public sealed record AuthenticationArg(
    [property: Description("authenticated, attempt_acknowledged, informational, denied, rejected, canceled, abandoned…")] string Outcome,
    string? ThreeDsCryptogram = null,
    [property: Description("01, 02, 05, 06 or 07.")] string? ElectronicCommerceIndicator = null,
    string? TransactionId = null,
    string? Version = null);

/// <summary>The answer of <c>run_agent</c>: what the agent said and what it cost. <see cref="BalanceAfter"/> is null only
/// while the charge is still being recorded (it is settled in the background, never charged twice).</summary>
public sealed record RunAgentOut(
    Guid RunId, Guid InstanceId, string Status, string Output,
    [property: Description("Pass back as session_id to continue the conversation.")] string SessionId,
    long CreditsCharged, long? BalanceAfter, long InputTokens, long OutputTokens, long LatencyMs,
    [property: Description("True when this is the stored answer of an earlier call with the same idempotency_key (not charged again).")] bool Replayed);
