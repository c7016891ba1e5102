using System.Globalization;
using Cmp.Primitives;
using Cmp.Saleor.Client;

namespace Cmp.Gateway.Infrastructure.Commerce.Saleor;

/// <summary>An address in Saleor's input shape (<c>AddressInput</c>).</summary>
public sealed record SaleorAddressInput(
    string FirstName,
    string LastName,
    string? CompanyName,
    string StreetAddress1,
    string? StreetAddress2,
    string City,
    string PostalCode,
    string Country,
    string? CountryArea,
    string? Phone);

/// <summary>A line to add: Saleor variant id and quantity.</summary>
public sealed record SaleorLineInput(string VariantId, int Quantity);

/// <summary>A line's new absolute quantity (0 removes it).</summary>
public sealed record SaleorLineUpdate(string LineId, int Quantity);

/// <summary>
/// The Saleor calls agent commerce makes, typed, over <see cref="ISaleorClient"/> and the documents in
/// Cmp.Saleor/Operations. Checkout mutations need no permission (the checkout id is the capability);
/// <c>transactionCreate</c> and reading a checkout's transactions need the gateway app's HANDLE_PAYMENTS.
/// Every mutation returns the whole checkout, so a change never needs a second read.
/// </summary>
public sealed class SaleorCommerce(ISaleorClient saleor)
{
    public async Task<Result<IReadOnlyList<CatalogVariantInfo>>> VariantsBySkusAsync(IReadOnlyCollection<string> skus, string channel, CancellationToken ct)
    {
        var r = await saleor.ExecuteAsync<VariantsData>("VariantsBySkus", new { skus, channel }, ct);
        return r.IsSuccess ? Result<IReadOnlyList<CatalogVariantInfo>>.Success(r.Value.ProductVariants?.Nodes.ToArray() ?? []) : r.Error;
    }

    public async Task<Result<SaleorCheckout?>> GetCheckoutAsync(string id, CancellationToken ct)
    {
        var r = await saleor.ExecuteAsync<CheckoutData>("Checkout", new { id }, ct);
        return r.IsSuccess ? r.Value.Checkout : r.Error;
    }

    public Task<Result<SaleorCheckout>> CreateCheckoutAsync(string channel, IReadOnlyList<SaleorLineInput> lines, string? email,
        SaleorAddressInput? shipping, SaleorAddressInput? billing, IReadOnlyDictionary<string, string> metadata, CancellationToken ct) =>
        Mutate("CheckoutCreate", "checkoutCreate", new
        {
            input = new
            {
                channel,
                lines = lines.Select(l => new { variantId = l.VariantId, quantity = l.Quantity }).ToArray(),
                email,
                shippingAddress = shipping,
                billingAddress = billing,
                metadata = MetadataItem.FromDictionary(metadata),
            },
        }, ct);

    public Task<Result<SaleorCheckout>> AddLinesAsync(string id, IReadOnlyList<SaleorLineInput> lines, CancellationToken ct) =>
        Mutate("CheckoutLinesAdd", "checkoutLinesAdd", new { id, lines = lines.Select(l => new { variantId = l.VariantId, quantity = l.Quantity }).ToArray() }, ct);

    public Task<Result<SaleorCheckout>> UpdateLinesAsync(string id, IReadOnlyList<SaleorLineUpdate> lines, CancellationToken ct) =>
        Mutate("CheckoutLinesUpdate", "checkoutLinesUpdate", new { id, lines = lines.Select(l => new { lineId = l.LineId, quantity = l.Quantity }).ToArray() }, ct);

    public Task<Result<SaleorCheckout>> UpdateEmailAsync(string id, string email, CancellationToken ct) =>
        Mutate("CheckoutEmailUpdate", "checkoutEmailUpdate", new { id, email }, ct);

    public Task<Result<SaleorCheckout>> UpdateShippingAddressAsync(string id, SaleorAddressInput address, CancellationToken ct) =>
        Mutate("CheckoutShippingAddressUpdate", "checkoutShippingAddressUpdate", new { id, address }, ct);

    public Task<Result<SaleorCheckout>> UpdateBillingAddressAsync(string id, SaleorAddressInput address, CancellationToken ct) =>
        Mutate("CheckoutBillingAddressUpdate", "checkoutBillingAddressUpdate", new { id, address }, ct);

    public Task<Result<SaleorCheckout>> UpdateDeliveryMethodAsync(string id, string? deliveryMethodId, CancellationToken ct) =>
        Mutate("CheckoutDeliveryMethodUpdate", "checkoutDeliveryMethodUpdate", new Dictionary<string, object?> { ["id"] = id, ["deliveryMethodId"] = deliveryMethodId }, ct);

    /// <summary>What was already recorded on a checkout (before retrying <c>transactionCreate</c>, which is not idempotent).</summary>
    public async Task<Result<IReadOnlyList<CheckoutTransaction>>> TransactionsAsync(string checkoutId, CancellationToken ct)
    {
        var r = await saleor.ExecuteAsync<TransactionsData>("CheckoutTransactions", new { id = checkoutId }, ct);
        if (!r.IsSuccess) return r.Error;
        return Result<IReadOnlyList<CheckoutTransaction>>.Success(r.Value.Checkout?.Transactions ?? []);
    }

    /// <summary>Records a charge made outside Saleor. NOT idempotent: callers check <see cref="TransactionsAsync"/> first.</summary>
    public async Task<Result<string>> RecordChargeAsync(string checkoutId, Money amount, string pspReference, string provider, string sessionId, CancellationToken ct)
    {
        var r = await saleor.ExecuteAsync<TransactionCreateData>("TransactionCreate", new
        {
            id = checkoutId,
            transaction = new
            {
                name = provider,
                pspReference,
                amountCharged = new { amount = amount.ToMajor().ToString(CultureInfo.InvariantCulture), currency = amount.Currency },
                availableActions = new[] { "REFUND" },
                metadata = new[] { new { key = "acp.checkout_session_id", value = sessionId } },
            },
            @event = new { pspReference, message = $"Charged by {provider} for ACP checkout session {sessionId}" },
        }, ct);
        if (!r.IsSuccess) return r.Error;
        return r.Value.TransactionCreate.Transaction?.Id is { } id
            ? id
            : Error.Permanent("saleor_unexpected_shape", "transactionCreate returned no transaction.");
    }

    /// <summary>Reports a refund on a transaction this app created (idempotent per pspReference).</summary>
    public async Task<Result<Unit>> ReportRefundAsync(string transactionId, Money amount, string pspReference, CancellationToken ct)
    {
        var r = await saleor.ExecuteAsync<System.Text.Json.JsonElement>("TransactionEventReport", new
        {
            id = transactionId,
            type = "REFUND_SUCCESS",
            amount = amount.ToMajor().ToString(CultureInfo.InvariantCulture),
            pspReference,
            message = "Refunded: the checkout could not be completed",
        }, ct);
        return r.IsSuccess ? Unit.Value : r.Error;
    }

    /// <summary>Completes the checkout into an order; idempotent (a completed checkout answers with its order).</summary>
    public async Task<Result<BuyerOrder>> CompleteAsync(string checkoutId, IReadOnlyDictionary<string, string> metadata, CancellationToken ct)
    {
        var r = await saleor.ExecuteAsync<CompleteData>("CheckoutComplete", new { id = checkoutId, metadata = MetadataItem.FromDictionary(metadata) }, ct);
        if (!r.IsSuccess) return r.Error;
        return r.Value.CheckoutComplete.Order is { } order
            ? order
            : Error.Permanent("saleor_unexpected_shape", "checkoutComplete returned no order.");
    }

    public async Task<Result<BuyerOrder?>> GetOrderAsync(string orderId, CancellationToken ct)
    {
        var r = await saleor.ExecuteAsync<OrderData>("BuyerOrder", new { id = orderId }, ct);
        return r.IsSuccess ? r.Value.Order : r.Error;
    }

    async Task<Result<SaleorCheckout>> Mutate(string operation, string field, object variables, CancellationToken ct)
    {
        var r = await saleor.ExecuteAsync<System.Text.Json.JsonElement>(operation, variables, ct);
        if (!r.IsSuccess) return r.Error;
        var checkout = r.Value.GetProperty(field).GetProperty("checkout");
        return checkout.ValueKind == System.Text.Json.JsonValueKind.Object
            ? checkout.Deserialize<SaleorCheckout>(SaleorJson.Options)!
            : Error.Permanent("saleor_unexpected_shape", $"{field} returned no checkout.");
    }

    sealed record VariantsData(Connection<CatalogVariantInfo>? ProductVariants);
    sealed record CheckoutData(SaleorCheckout? Checkout);
    sealed record TransactionsNode(IReadOnlyList<CheckoutTransaction>? Transactions);
    sealed record TransactionsData(TransactionsNode? Checkout);
    sealed record CreatedTransaction(string? Id);
    sealed record TransactionCreatePayload(CreatedTransaction? Transaction);
    sealed record TransactionCreateData(TransactionCreatePayload TransactionCreate);
    sealed record CompletePayload(BuyerOrder? Order);
    sealed record CompleteData(CompletePayload CheckoutComplete);
    sealed record OrderData(BuyerOrder? Order);
}

static class JsonElementExtensions
{
    public static T? Deserialize<T>(this System.Text.Json.JsonElement e, System.Text.Json.JsonSerializerOptions o) =>
        System.Text.Json.JsonSerializer.Deserialize<T>(e, o);
}
