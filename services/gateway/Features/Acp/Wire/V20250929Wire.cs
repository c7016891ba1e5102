using Cmp.Gateway.Features.Acp.Checkout;
using Cmp.Gateway.Features.Acp.Protocol;
using Cmp.Primitives;

namespace Cmp.Gateway.Features.Acp.Wire;

/// <summary>
/// ACP 2025-09-29 (what ChatGPT Instant Checkout launched with): <c>items[{id, quantity}]</c>, a flat
/// <c>fulfillment_address</c>, one <c>fulfillment_option_id</c>, flat line amounts, <c>payment_provider</c>,
/// <c>payment_data {token, provider}</c>, five statuses. Shapes follow spec/spec/2025-09-29/json-schema.
/// </summary>
public sealed class V20250929Wire : IAcpWire
{
    public static readonly V20250929Wire Instance = new();

    public AcpVersion Version => AcpVersion.V20250929;

    // ---- requests ----

    sealed record ItemDto(string? Id, decimal? Quantity);
    sealed record BuyerDto(string? FirstName, string? LastName, string? Email, string? PhoneNumber);
    sealed record AddressDto(string? Name, string? LineOne, string? LineTwo, string? City, string? State, string? Country, string? PostalCode);
    sealed record CreateDto(IReadOnlyList<ItemDto>? Items, BuyerDto? Buyer, AddressDto? FulfillmentAddress);
    sealed record UpdateDto(IReadOnlyList<ItemDto>? Items, BuyerDto? Buyer, AddressDto? FulfillmentAddress, string? FulfillmentOptionId);
    sealed record PaymentDataDto(string? Token, string? Provider, AddressDto? BillingAddress);
    sealed record CompleteDto(PaymentDataDto? PaymentData, BuyerDto? Buyer);

    /// <summary>The 2025-09-29 schema names only <c>stripe</c>; CMP's test PSP is accepted by name too, and the token's
    /// prefix picks the provider either way.</summary>
    static readonly string[] Providers = ["stripe", "cmp_test_psp"];

    public Result<CreateSessionCommand> ParseCreate(byte[] body, string locale)
    {
        var read = AcpWires.Read<CreateDto>(body, locale);
        if (!read.TryGetValue(out var dto, out var error)) return error;
        if (dto.Items is not { Count: > 0 }) return AcpWires.Required("$.items", locale);
        var items = Items(dto.Items, locale);
        if (!items.IsSuccess) return items.Error;
        var buyer = Buyer(dto.Buyer, locale);
        if (!buyer.IsSuccess) return buyer.Error;
        var address = Address(dto.FulfillmentAddress, "$.fulfillment_address", locale);
        if (!address.IsSuccess) return address.Error;
        return new CreateSessionCommand(items.Value, buyer.Value, address.Value, null, null);
    }

    public Result<UpdateSessionCommand> ParseUpdate(byte[] body, string locale)
    {
        var read = AcpWires.Read<UpdateDto>(body, locale);
        if (!read.TryGetValue(out var dto, out var error)) return error;
        IReadOnlyList<ItemInput>? items = null;
        if (dto.Items is not null)
        {
            var parsed = Items(dto.Items, locale);
            if (!parsed.IsSuccess) return parsed.Error;
            items = parsed.Value;
        }
        var buyer = Buyer(dto.Buyer, locale);
        if (!buyer.IsSuccess) return buyer.Error;
        var address = Address(dto.FulfillmentAddress, "$.fulfillment_address", locale);
        if (!address.IsSuccess) return address.Error;
        return new UpdateSessionCommand(items, buyer.Value, address.Value,
            dto.FulfillmentOptionId is { } o ? [o] : null, "$.fulfillment_option_id");
    }

    public Result<CompleteSessionCommand> ParseComplete(byte[] body, string locale)
    {
        var read = AcpWires.Read<CompleteDto>(body, locale);
        if (!read.TryGetValue(out var dto, out var error)) return error;
        if (dto.PaymentData is not { } pd) return AcpWires.Required("$.payment_data", locale);
        if (string.IsNullOrWhiteSpace(pd.Token)) return AcpWires.Required("$.payment_data.token", locale);
        if (string.IsNullOrWhiteSpace(pd.Provider)) return AcpWires.Required("$.payment_data.provider", locale);
        if (!Providers.Contains(pd.Provider))
            return AcpErrors.Invalid("unsupported_payment_provider", AcpTexts.Get(locale, "err.unsupported_payment",
                $"payment_data.provider '{pd.Provider}' is not accepted; use one of: {string.Join(", ", Providers)}."), "$.payment_data.provider");
        var billing = Address(pd.BillingAddress, "$.payment_data.billing_address", locale);
        if (!billing.IsSuccess) return billing.Error;
        var buyer = Buyer(dto.Buyer, locale);
        if (!buyer.IsSuccess) return buyer.Error;
        return new CompleteSessionCommand(new PaymentInput(pd.Token, null, billing.Value), buyer.Value, null);
    }

    /// <summary>2025-09-29 cancel takes no body; an empty object is tolerated.</summary>
    public Result<Unit> ParseCancel(byte[] body, string locale)
    {
        if (body.Length == 0) return Unit.Value;
        var read = AcpWires.Read<EmptyDto>(body, locale);
        return read.IsSuccess ? Unit.Value : read.Error;
    }

    sealed record EmptyDto;

    static Result<IReadOnlyList<ItemInput>> Items(IReadOnlyList<ItemDto> items, string locale)
    {
        var list = new List<ItemInput>();
        for (var i = 0; i < items.Count; i++)
        {
            var param = $"$.items[{i}]";
            if (items[i] is not { } item) return AcpWires.Required(param, locale);
            if (string.IsNullOrWhiteSpace(item.Id)) return AcpWires.Required(param + ".id", locale);
            var q = AcpWires.Quantity(item.Quantity, param + ".quantity", locale);
            if (!q.IsSuccess) return q.Error;
            list.Add(new ItemInput(item.Id.Trim(), q.Value, param));
        }
        return list;
    }

    static Result<BuyerInput?> Buyer(BuyerDto? b, string locale)
    {
        if (b is null) return Result<BuyerInput?>.Success(null);
        if (string.IsNullOrWhiteSpace(b.FirstName)) return AcpWires.Required("$.buyer.first_name", locale);
        if (string.IsNullOrWhiteSpace(b.LastName)) return AcpWires.Required("$.buyer.last_name", locale);
        if (string.IsNullOrWhiteSpace(b.Email)) return AcpWires.Required("$.buyer.email", locale);
        return new BuyerInput(b.FirstName, b.LastName, null, b.Email.Trim(), b.PhoneNumber);
    }

    static Result<AddressInput?> Address(AddressDto? a, string param, string locale)
    {
        if (a is null) return Result<AddressInput?>.Success(null);
        var r = AcpWires.Address(a.Name, a.LineOne, a.LineTwo, a.City, a.State, a.Country, a.PostalCode, null, null, param, locale);
        return r.IsSuccess ? r.Value : r.Error;
    }

    // ---- responses ----

    sealed record SessionDto(
        string Id,
        BuyerOut? Buyer,
        PaymentProviderDto PaymentProvider,
        string Status,
        string Currency,
        IReadOnlyList<LineDto> LineItems,
        AddressOut? FulfillmentAddress,
        IReadOnlyList<object> FulfillmentOptions,
        string? FulfillmentOptionId,
        IReadOnlyList<object> Totals,
        IReadOnlyList<object> Messages,
        IReadOnlyList<LinkDto> Links,
        OrderDto? Order);

    sealed record BuyerOut(string FirstName, string LastName, string Email, string? PhoneNumber);
    sealed record PaymentProviderDto(string Provider, IReadOnlyList<string> SupportedPaymentMethods);
    sealed record ItemOut(string Id, int Quantity);
    sealed record LineDto(string Id, ItemOut Item, long BaseAmount, long Discount, long Subtotal, long Tax, long Total);
    sealed record AddressOut(string Name, string LineOne, string? LineTwo, string City, string State, string Country, string PostalCode);
    sealed record ShippingDto(string Type, string Id, string Title, string? Subtitle, string? EarliestDeliveryTime, string? LatestDeliveryTime, long Subtotal, long Tax, long Total);
    sealed record DigitalDto(string Type, string Id, string Title, string? Subtitle, long Subtotal, long Tax, long Total);
    sealed record InfoDto(string Type, string? Param, string ContentType, string Content);
    sealed record ErrorMessageDto(string Type, string Code, string? Param, string ContentType, string Content);
    sealed record LinkDto(string Type, string Url);
    sealed record OrderDto(string Id, string CheckoutSessionId, string PermalinkUrl);

    static readonly string[] ErrorCodes = ["missing", "invalid", "out_of_stock", "payment_declined", "requires_sign_in", "requires_3ds"];

    public object RenderSession(CheckoutSessionView v, RenderContext context)
    {
        var locale = v.Locale ?? AcpTexts.DefaultLocale;
        var selectedShipping = v.SelectedOptionIds.FirstOrDefault(id => id != SessionIds.DigitalOption) ?? v.SelectedOptionIds.FirstOrDefault();
        return new SessionDto(
            v.Id,
            v.Buyer is { Email: { Length: > 0 } email } b && Names(b) is var (first, last) ? new BuyerOut(first, last, email, b.Phone) : null,
            new PaymentProviderDto("stripe", ["card"]),
            Status(v.Status),
            v.Currency,
            v.Lines.Select(l => new LineDto(l.Id, new ItemOut(l.ItemId, l.Quantity), l.BaseAmount, l.Discount, l.Subtotal, l.Tax, l.Total)).ToArray(),
            v.FulfillmentAddress is { } a ? new AddressOut(a.Name, a.LineOne, a.LineTwo, a.City, a.State, a.Country, a.PostalCode) : null,
            v.FulfillmentOptions.Select(Option).ToArray(),
            selectedShipping,
            AcpWires.TotalsOf(v.Totals, locale).ToArray(),
            v.Messages.Select(Message).ToArray(),
            v.Links.Select(Link).Where(l => l is not null).Select(l => l!).ToArray(),
            v.Order is { } o ? new OrderDto(o.Id, v.Id, o.PermalinkUrl) : null);
    }

    /// <summary>2025-09-29 requires first and last name; a single full name is split at its last space.</summary>
    static (string, string) Names(SessionBuyer b)
    {
        if (!string.IsNullOrWhiteSpace(b.FirstName) || !string.IsNullOrWhiteSpace(b.LastName)) return (b.FirstName ?? "", b.LastName ?? "");
        var full = (b.FullName ?? "").Trim();
        var cut = full.LastIndexOf(' ');
        return cut > 0 ? (full[..cut], full[(cut + 1)..]) : (full, "");
    }

    static string Status(SessionStatus s) => s switch
    {
        SessionStatus.NotReadyForPayment => "not_ready_for_payment",
        SessionStatus.ReadyForPayment or SessionStatus.AuthenticationRequired => "ready_for_payment",
        SessionStatus.Completed => "completed",
        _ => "canceled",   // canceled, and expired (2025-09-29 has no "expired")
    };

    static object Option(FulfillmentOption o) => o.Kind == FulfillmentKind.Shipping
        ? new ShippingDto("shipping", o.Id, o.Title, o.Description, Rfc3339(o.EarliestDelivery), Rfc3339(o.LatestDelivery), o.Subtotal, o.Tax, o.Total)
        : new DigitalDto("digital", o.Id, o.Title, o.Description, o.Subtotal, o.Tax, o.Total);

    static object Message(SessionMessage m) => m.Kind == MessageKind.Error
        ? new ErrorMessageDto("error", ErrorCodes.Contains(m.Code) ? m.Code : "invalid", Param(m.Param), "plain", m.Content)
        : new InfoDto("info", Param(m.Param), "plain", m.Content);

    static LinkDto? Link(SessionLink l) => l.Kind switch
    {
        "terms_of_use" or "privacy_policy" => new LinkDto(l.Kind, l.Url),
        "return_policy" => new LinkDto("seller_shop_policies", l.Url),
        _ => null,
    };

    public static string? Param(ParamTarget? t) => t?.Kind switch
    {
        null => null,
        "line" => $"$.line_items[{t.Index}]",
        "lines" => "$.line_items",
        "buyer_email" => "$.buyer.email",
        "address" => t.Field is null ? "$.fulfillment_address" : $"$.fulfillment_address.{t.Field}",
        "fulfillment_option" => "$.fulfillment_option_id",
        "payment_data" => "$.payment_data",
        _ => null,
    };

    static string? Rfc3339(DateTimeOffset? t) => t?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    // ---- order events ----

    sealed record EventDto(string Type, EventDataDto Data);
    sealed record EventDataDto(string Type, string CheckoutSessionId, string PermalinkUrl, string Status, IReadOnlyList<RefundDto> Refunds);
    sealed record RefundDto(string Type, long Amount);

    public object RenderOrderEvent(string eventType, OrderView order) =>
        new EventDto(eventType, new EventDataDto("order", order.CheckoutSessionId, order.PermalinkUrl, OrderMapping.ToV20250929(order.Status),
            order.Refunded > 0 ? [new RefundDto("original_payment", order.Refunded)] : []));
}
