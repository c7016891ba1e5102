using System.Text.Json;
using Cmp.Gateway.Features.Acp.Checkout;
using Cmp.Gateway.Features.Acp.Protocol;
using Cmp.Gateway.Features.Payments;
using Cmp.Primitives;

namespace Cmp.Gateway.Features.Acp.Wire;

/// <summary>
/// ACP 2026-04-17 (newest stable): <c>line_items</c>, required <c>currency</c> and <c>capabilities</c>,
/// <c>fulfillment_details</c>, <c>selected_fulfillment_options[]</c>, per-line <c>totals[]</c>, payment handlers,
/// 3-D Secure (<c>authentication_required</c>, <c>authentication_metadata</c>, <c>authentication_result</c>).
/// Shapes follow spec/spec/2026-04-17/json-schema/schema.agentic_checkout.json.
/// </summary>
public sealed class V20260417Wire : IAcpWire
{
    public static readonly V20260417Wire Instance = new();

    public AcpVersion Version => AcpVersion.V20260417;

    /// <summary>Interventions this seller can run with an agent.</summary>
    public static readonly IReadOnlyList<string> SellerInterventions = ["3ds"];

    // ---- requests ----

    /// <summary><c>Item</c> has no quantity in the 2026-04-17 schema (upstream issue #264, acp.md §0); a
    /// <c>quantity</c> member is tolerated and defaults to 1 (issue #272).</summary>
    sealed record ItemDto(string? Id, string? Name, long? UnitAmount, decimal? Quantity);
    sealed record BuyerDto(string? FirstName, string? LastName, string? FullName, string? Email, string? PhoneNumber, string? CustomerId,
        string? AccountType, string? AuthenticationStatus, JsonElement? Company, JsonElement? Loyalty, JsonElement? TaxExemption);
    sealed record AddressDto(string? Name, string? LineOne, string? LineTwo, string? City, string? State, string? Country, string? PostalCode, string? Company);
    sealed record FulfillmentDetailsDto(string? Name, string? PhoneNumber, string? Email, AddressDto? Address);
    sealed record InterventionsDto(IReadOnlyList<string>? Supported, JsonElement? Required, string? Enforcement, string? DisplayContext,
        string? RedirectContext, int? MaxRedirects, int? MaxInteractionDepth);
    sealed record CapabilitiesDto(JsonElement? Payment, InterventionsDto? Interventions, JsonElement? Extensions);
    sealed record CreateDto(BuyerDto? Buyer, IReadOnlyList<ItemDto>? LineItems, string? Currency, FulfillmentDetailsDto? FulfillmentDetails,
        CapabilitiesDto? Capabilities, JsonElement? FulfillmentGroups, JsonElement? AffiliateAttribution, IReadOnlyList<string>? Coupons,
        JsonElement? Discounts, string? Locale, string? Timezone, string? QuoteId, JsonElement? Metadata, string? OrderNotes);
    sealed record SelectedOptionDto(string? Type, string? OptionId, IReadOnlyList<string>? ItemIds);
    sealed record UpdateDto(BuyerDto? Buyer, IReadOnlyList<ItemDto>? LineItems, FulfillmentDetailsDto? FulfillmentDetails, JsonElement? FulfillmentGroups,
        IReadOnlyList<SelectedOptionDto>? SelectedFulfillmentOptions, IReadOnlyList<string>? Coupons, JsonElement? Discounts, string? OrderNotes);
    sealed record CredentialDto(string? Type, string? Token);
    sealed record InstrumentDto(string? Type, CredentialDto? Credential);
    sealed record PaymentDataDto(string? HandlerId, InstrumentDto? Instrument, AddressDto? BillingAddress, string? PurchaseOrderNumber,
        string? PaymentTerms, DateTimeOffset? DueDate, bool? ApprovalRequired);
    sealed record OutcomeDetailsDto(string? ThreeDsCryptogram, string? ElectronicCommerceIndicator, string? TransactionId, string? Version);
    sealed record AuthenticationResultDto(string? Outcome, OutcomeDetailsDto? OutcomeDetails);
    sealed record CompleteDto(BuyerDto? Buyer, PaymentDataDto? PaymentData, AuthenticationResultDto? AuthenticationResult,
        JsonElement? AffiliateAttribution, JsonElement? RiskSignals, JsonElement? MarketingConsents, string? OrderNotes);

    static readonly string[] AuthenticatedOutcomes = ["authenticated", "informational", "attempt_acknowledged"];
    static readonly string[] Outcomes = ["abandoned", "attempt_acknowledged", "authenticated", "canceled", "denied", "informational",
        "internal_error", "not_supported", "processing_error", "rejected"];

    public Result<CreateSessionCommand> ParseCreate(byte[] body, string locale)
    {
        var read = AcpWires.Read<CreateDto>(body, locale);
        if (!read.TryGetValue(out var dto, out var error)) return error;
        if (dto.LineItems is not { Count: > 0 }) return AcpWires.Required("$.line_items", locale);
        if (string.IsNullOrWhiteSpace(dto.Currency)) return AcpWires.Required("$.currency", locale);
        if (dto.Currency.Trim().Length != 3 || !dto.Currency.Trim().All(char.IsAsciiLetter))
            return AcpWires.InvalidValue("$.currency", "must be an ISO 4217 code", locale);
        if (dto.Capabilities is null) return AcpWires.Required("$.capabilities", locale);
        var items = Items(dto.LineItems, locale);
        if (!items.IsSuccess) return items.Error;
        var buyer = Buyer(dto.Buyer, dto.FulfillmentDetails, locale);
        if (!buyer.IsSuccess) return buyer.Error;
        var address = Address(dto.FulfillmentDetails, locale);
        if (!address.IsSuccess) return address.Error;
        // Capability negotiation: unknown intervention values are ignored, not an error.
        var interventions = (dto.Capabilities.Interventions?.Supported ?? []).Where(SellerInterventions.Contains).Distinct().ToArray();
        return new CreateSessionCommand(items.Value, buyer.Value, address.Value, dto.Currency.Trim(), interventions);
    }

    public Result<UpdateSessionCommand> ParseUpdate(byte[] body, string locale)
    {
        var read = AcpWires.Read<UpdateDto>(body, locale);
        if (!read.TryGetValue(out var dto, out var error)) return error;
        IReadOnlyList<ItemInput>? items = null;
        if (dto.LineItems is not null)
        {
            var parsed = Items(dto.LineItems, locale);
            if (!parsed.IsSuccess) return parsed.Error;
            items = parsed.Value;
        }
        var buyer = Buyer(dto.Buyer, dto.FulfillmentDetails, locale);
        if (!buyer.IsSuccess) return buyer.Error;
        var address = Address(dto.FulfillmentDetails, locale);
        if (!address.IsSuccess) return address.Error;
        IReadOnlyList<string>? selected = null;
        if (dto.SelectedFulfillmentOptions is { } options)
        {
            for (var i = 0; i < options.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(options[i]?.OptionId)) return AcpWires.Required($"$.selected_fulfillment_options[{i}].option_id", locale);
                if (options[i].Type is not ("shipping" or "digital" or "pickup" or "local_delivery"))
                    return AcpWires.InvalidValue($"$.selected_fulfillment_options[{i}].type", "must be shipping, digital, pickup or local_delivery", locale);
                if (options[i].ItemIds is null) return AcpWires.Required($"$.selected_fulfillment_options[{i}].item_ids", locale);
            }
            selected = options.Select(o => o.OptionId!).ToArray();
        }
        return new UpdateSessionCommand(items, buyer.Value, address.Value, selected, "$.selected_fulfillment_options");
    }

    public Result<CompleteSessionCommand> ParseComplete(byte[] body, string locale)
    {
        var read = AcpWires.Read<CompleteDto>(body, locale);
        if (!read.TryGetValue(out var dto, out var error)) return error;
        if (dto.PaymentData is not { } pd) return AcpWires.Required("$.payment_data", locale);
        if (pd.PurchaseOrderNumber is not null && pd.HandlerId is null)
            return AcpErrors.Invalid("unsupported_payment_method", AcpTexts.Get(locale, "err.unsupported_payment",
                "Purchase orders are not accepted; pay with one of capabilities.payment.handlers."), "$.payment_data.purchase_order_number");
        if (string.IsNullOrWhiteSpace(pd.HandlerId)) return AcpWires.Required("$.payment_data.handler_id", locale);
        if (pd.Instrument is null) return AcpWires.Required("$.payment_data.instrument", locale);
        if (string.IsNullOrWhiteSpace(pd.Instrument.Type)) return AcpWires.Required("$.payment_data.instrument.type", locale);
        if (pd.Instrument.Credential is null) return AcpWires.Required("$.payment_data.instrument.credential", locale);
        if (string.IsNullOrWhiteSpace(pd.Instrument.Credential.Type)) return AcpWires.Required("$.payment_data.instrument.credential.type", locale);
        if (string.IsNullOrWhiteSpace(pd.Instrument.Credential.Token)) return AcpWires.Required("$.payment_data.instrument.credential.token", locale);
        AddressInput? billing = null;
        if (pd.BillingAddress is { } b)
        {
            var r = AcpWires.Address(b.Name, b.LineOne, b.LineTwo, b.City, b.State, b.Country, b.PostalCode, b.Company, null, "$.payment_data.billing_address", locale);
            if (!r.IsSuccess) return r.Error;
            billing = r.Value;
        }
        AuthenticationInput? authentication = null;
        if (dto.AuthenticationResult is { } ar)
        {
            if (string.IsNullOrWhiteSpace(ar.Outcome)) return AcpWires.Required("$.authentication_result.outcome", locale);
            if (!Outcomes.Contains(ar.Outcome)) return AcpWires.InvalidValue("$.authentication_result.outcome", "is not a 3-D Secure outcome", locale);
            var d = ar.OutcomeDetails;
            if (AuthenticatedOutcomes.Contains(ar.Outcome))
            {
                if (d is null) return AcpWires.Required("$.authentication_result.outcome_details", locale);
                foreach (var (value, field) in new[] { (d.ThreeDsCryptogram, "three_ds_cryptogram"), (d.ElectronicCommerceIndicator, "electronic_commerce_indicator"),
                             (d.TransactionId, "transaction_id"), (d.Version, "version") })
                    if (string.IsNullOrWhiteSpace(value)) return AcpWires.Required($"$.authentication_result.outcome_details.{field}", locale);
                if (d.ElectronicCommerceIndicator is not ("01" or "02" or "05" or "06" or "07"))
                    return AcpWires.InvalidValue("$.authentication_result.outcome_details.electronic_commerce_indicator", "must be 01, 02, 05, 06 or 07", locale);
            }
            authentication = new AuthenticationInput(ar.Outcome, d?.ThreeDsCryptogram, d?.ElectronicCommerceIndicator, d?.TransactionId, d?.Version);
        }
        var buyer = Buyer(dto.Buyer, null, locale);
        if (!buyer.IsSuccess) return buyer.Error;
        return new CompleteSessionCommand(new PaymentInput(pd.Instrument.Credential.Token, pd.HandlerId, billing), buyer.Value, authentication);
    }

    sealed record IntentTraceDto(string? ReasonCode, string? TraceSummary, JsonElement? Metadata);
    sealed record CancelDto(IntentTraceDto? IntentTrace);

    /// <summary>Optional <c>{intent_trace}</c>; an unknown <c>reason_code</c> is accepted (treated as "other").</summary>
    public Result<Unit> ParseCancel(byte[] body, string locale)
    {
        if (body.Length == 0) return Unit.Value;
        var read = AcpWires.Read<CancelDto>(body, locale);
        if (!read.TryGetValue(out var dto, out var error)) return error;
        if (dto.IntentTrace is { } t)
        {
            if (string.IsNullOrWhiteSpace(t.ReasonCode)) return AcpWires.Required("$.intent_trace.reason_code", locale);
            if (t.TraceSummary is { Length: > 500 }) return AcpWires.InvalidValue("$.intent_trace.trace_summary", "must be at most 500 characters", locale);
        }
        return Unit.Value;
    }

    static Result<IReadOnlyList<ItemInput>> Items(IReadOnlyList<ItemDto> items, string locale)
    {
        var list = new List<ItemInput>();
        for (var i = 0; i < items.Count; i++)
        {
            var param = $"$.line_items[{i}]";
            if (items[i] is not { } item) return AcpWires.Required(param, locale);
            if (string.IsNullOrWhiteSpace(item.Id)) return AcpWires.Required(param + ".id", locale);
            var q = AcpWires.Quantity(item.Quantity, param + ".quantity", locale, fallback: 1);
            if (!q.IsSuccess) return q.Error;
            list.Add(new ItemInput(item.Id.Trim(), q.Value, param));
        }
        return list;
    }

    /// <summary>The buyer, with <c>fulfillment_details</c>' name, phone and e-mail filling in what the buyer left out.</summary>
    static Result<BuyerInput?> Buyer(BuyerDto? b, FulfillmentDetailsDto? details, string locale)
    {
        if (b is not null && string.IsNullOrWhiteSpace(b.Email)) return AcpWires.Required("$.buyer.email", locale);
        var email = b?.Email?.Trim() ?? details?.Email?.Trim();
        if (b is null && email is null) return Result<BuyerInput?>.Success(null);
        return new BuyerInput(b?.FirstName, b?.LastName, b?.FullName ?? details?.Name, email, b?.PhoneNumber ?? details?.PhoneNumber);
    }

    static Result<AddressInput?> Address(FulfillmentDetailsDto? d, string locale)
    {
        if (d?.Address is not { } a) return Result<AddressInput?>.Success(null);
        var r = AcpWires.Address(a.Name ?? d.Name, a.LineOne, a.LineTwo, a.City, a.State, a.Country, a.PostalCode, a.Company, d.PhoneNumber,
            "$.fulfillment_details.address", locale);
        return r.IsSuccess ? r.Value : r.Error;
    }

    // ---- responses ----

    sealed record SessionDto(
        string Id,
        ProtocolDto Protocol,
        CapabilitiesOut Capabilities,
        BuyerOut? Buyer,
        string Status,
        string Currency,
        string? Locale,
        IReadOnlyList<LineDto> LineItems,
        FulfillmentDetailsOut? FulfillmentDetails,
        IReadOnlyList<object> FulfillmentOptions,
        IReadOnlyList<SelectedOut> SelectedFulfillmentOptions,
        IReadOnlyList<object> Totals,
        IReadOnlyList<object> Messages,
        IReadOnlyList<LinkDto> Links,
        AuthenticationMetadataDto? AuthenticationMetadata,
        string CreatedAt,
        string UpdatedAt,
        string ExpiresAt,
        object? Order);

    sealed record ProtocolDto(string Version);
    sealed record CapabilitiesOut(PaymentOut Payment, InterventionsOut Interventions);
    sealed record PaymentOut(IReadOnlyList<HandlerOut> Handlers);
    sealed record HandlerOut(string Id, string Name, string DisplayName, string Version, string Spec, bool RequiresDelegatePayment,
        bool RequiresPciCompliance, string Psp, string ConfigSchema, IReadOnlyList<string> InstrumentSchemas, IReadOnlyDictionary<string, object> Config,
        int DisplayOrder);
    sealed record InterventionsOut(IReadOnlyList<string> Supported, IReadOnlyList<string> Required, string Enforcement);
    sealed record BuyerOut(string? FirstName, string? LastName, string? FullName, string Email, string? PhoneNumber);
    sealed record ItemOut(string Id);
    sealed record LineDto(string Id, ItemOut Item, int Quantity, string Name, string? Description, IReadOnlyList<string>? Images, long UnitAmount,
        string ProductId, string Sku, string VariantId, IReadOnlyList<TotalDto> Totals);
    sealed record AddressOut(string Name, string LineOne, string? LineTwo, string City, string State, string Country, string PostalCode, string? Company);
    sealed record FulfillmentDetailsOut(string? Name, string? PhoneNumber, string? Email, AddressOut? Address);
    sealed record ShippingDto(string Type, string Id, string Title, string? Description, string? EarliestDeliveryTime, string? LatestDeliveryTime,
        IReadOnlyList<TotalDto> Totals);
    sealed record DigitalDto(string Type, string Id, string Title, string? Description, IReadOnlyList<TotalDto> Totals);
    sealed record SelectedOut(string Type, string OptionId, IReadOnlyList<string> ItemIds);
    sealed record InfoDto(string Type, string? Resolution, string? Param, string ContentType, string Content);
    sealed record CodedDto(string Type, string Code, string? Resolution, string? Param, string ContentType, string Content);
    sealed record LinkDto(string Type, string Url);
    sealed record AcquirerDto(string AcquirerBin, string AcquirerCountry, string AcquirerMerchantId, string MerchantName);
    sealed record FlowPreferenceDto(string Type);
    sealed record AuthenticationMetadataDto(AcquirerDto AcquirerDetails, string DirectoryServer, FlowPreferenceDto? FlowPreference);

    public object RenderSession(CheckoutSessionView v, RenderContext context)
    {
        var locale = v.Locale ?? AcpTexts.DefaultLocale;
        var lineIdsByOption = v.FulfillmentOptions.ToDictionary(o => o.Id, o => o.LineIds);
        return new SessionDto(
            v.Id,
            new ProtocolDto(AcpVersions.V20260417),
            new CapabilitiesOut(
                new PaymentOut(context.Handlers.Select((h, i) => new HandlerOut(h.Id, h.Name, h.DisplayName, h.Version, h.Spec, h.RequiresDelegatePayment,
                    h.RequiresPciCompliance, h.Psp, h.ConfigSchema, h.InstrumentSchemas, h.Config, i)).ToArray()),
                new InterventionsOut(SellerInterventions.Intersect(v.AgentInterventions).ToArray(), [], "conditional")),
            v.Buyer is { Email: { Length: > 0 } email } b ? new BuyerOut(b.FirstName, b.LastName, b.FullName, email, b.Phone) : null,
            Status(v.Status),
            v.Currency,
            v.Locale,
            v.Lines.Select(l => new LineDto(l.Id, new ItemOut(l.ItemId), l.Quantity, l.Name, l.Description, l.ImageUrl is null ? null : [l.ImageUrl],
                l.UnitAmount, l.ProductId, l.ItemId, l.VariantId,
                [
                    new("items_base_amount", AcpTexts.Get(locale, "line.base"), l.BaseAmount),
                    new("discount", AcpTexts.Get(locale, "total.discount"), l.Discount),
                    new("subtotal", AcpTexts.Get(locale, "total.subtotal"), l.Subtotal),
                    new("tax", AcpTexts.Get(locale, "total.tax"), l.Tax),
                    new("total", AcpTexts.Get(locale, "total.total"), l.Total),
                ])).ToArray(),
            v.FulfillmentAddress is { } a
                ? new FulfillmentDetailsOut(a.Name, a.Phone, v.Buyer?.Email,
                    new AddressOut(a.Name, a.LineOne, a.LineTwo, a.City, a.State, a.Country, a.PostalCode, a.Company))
                : null,
            v.FulfillmentOptions.Select(o => Option(o, locale)).ToArray(),
            v.SelectedOptionIds.Select(id => new SelectedOut(id == SessionIds.DigitalOption ? "digital" : "shipping", id,
                lineIdsByOption.GetValueOrDefault(id) ?? [])).ToArray(),
            AcpWires.TotalsOf(v.Totals, locale).ToArray(),
            v.Messages.Select(Message).ToArray(),
            v.Links.Select(l => new LinkDto(l.Kind, l.Url)).ToArray(),
            v.Authentication is { } c
                ? new AuthenticationMetadataDto(new AcquirerDto(c.AcquirerBin, c.AcquirerCountry, c.AcquirerMerchantId, c.MerchantName), c.DirectoryServer,
                    c.FlowPreference is { } f ? new FlowPreferenceDto(f) : null)
                : null,
            Rfc3339(v.CreatedAt), Rfc3339(v.UpdatedAt), Rfc3339(v.ExpiresAt),
            v.Order is { } o ? RenderOrder(o, v.Id) : null);
    }

    static string Status(SessionStatus s) => s switch
    {
        SessionStatus.NotReadyForPayment => "not_ready_for_payment",
        SessionStatus.ReadyForPayment => "ready_for_payment",
        SessionStatus.AuthenticationRequired => "authentication_required",
        SessionStatus.Completed => "completed",
        SessionStatus.Canceled => "canceled",
        SessionStatus.Expired => "expired",
        _ => "in_progress",
    };

    static object Option(FulfillmentOption o, string locale)
    {
        IReadOnlyList<TotalDto> totals =
        [
            new("subtotal", AcpTexts.Get(locale, "total.subtotal"), o.Subtotal),
            new("tax", AcpTexts.Get(locale, "total.tax"), o.Tax),
            new("total", AcpTexts.Get(locale, "total.total"), o.Total),
        ];
        return o.Kind == FulfillmentKind.Shipping
            ? new ShippingDto("shipping", o.Id, o.Title, o.Description, Rfc3339(o.EarliestDelivery), Rfc3339(o.LatestDelivery), totals)
            : new DigitalDto("digital", o.Id, o.Title, o.Description, totals);
    }

    static object Message(SessionMessage m) => m.Kind switch
    {
        MessageKind.Error => new CodedDto("error", m.Code, m.Resolution, Param(m.Param), "plain", m.Content),
        MessageKind.Warning => new CodedDto("warning", m.Code, m.Resolution, Param(m.Param), "plain", m.Content),
        _ => new InfoDto("info", m.Resolution, Param(m.Param), "plain", m.Content),
    };

    public static string? Param(ParamTarget? t) => t?.Kind switch
    {
        null => null,
        "line" => $"$.line_items[{t.Index}]",
        "lines" => "$.line_items",
        "buyer_email" => "$.buyer.email",
        "address" => t.Field is null ? "$.fulfillment_details.address"
            : t.Field == "phone_number" ? "$.fulfillment_details.phone_number" : $"$.fulfillment_details.address.{t.Field}",
        "fulfillment_option" => "$.selected_fulfillment_options",
        "payment_data" => "$.payment_data",
        "authentication_result" => "$.authentication_result",
        _ => null,
    };

    static string? Rfc3339(DateTimeOffset? t) => t?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
    static string Rfc3339(DateTimeOffset t) => Rfc3339((DateTimeOffset?)t)!;

    // ---- orders ----

    sealed record OrderDto(string Type, string Id, string CheckoutSessionId, string? OrderNumber, string PermalinkUrl, string Status,
        IReadOnlyList<OrderLineDto>? LineItems, IReadOnlyList<FulfillmentDto>? Fulfillments, IReadOnlyList<AdjustmentDto>? Adjustments,
        IReadOnlyList<TotalDto>? Totals);
    sealed record QuantityDto(int Ordered, int Current, int Fulfilled);
    sealed record OrderLineDto(string Id, string Title, string? ImageUrl, QuantityDto Quantity, long UnitPrice, long Subtotal, string Status);
    sealed record LineRefDto(string Id, int Quantity);
    sealed record FulfillmentDto(string Id, string Type, string Status, IReadOnlyList<LineRefDto> LineItems, string? TrackingNumber);
    sealed record AdjustmentDto(string Id, string Type, string OccurredAt, string Status, long Amount, string Currency);
    sealed record EventDto(string Type, OrderDto Data);

    static OrderDto RenderOrder(SessionOrder o, string sessionId) => o.Detail is { } d
        ? RenderOrder(d with { Status = o.Status })
        : new OrderDto("order", o.Id, sessionId, o.Number, o.PermalinkUrl, o.Status, null, null, null, null);

    static OrderDto RenderOrder(OrderView o)
    {
        var totals = new List<TotalDto>
        {
            new("subtotal", "Subtotal", o.Subtotal),
            new("fulfillment", "Shipping", o.Shipping),
            new("tax", "Tax", o.Tax),
            new("total", "Total", o.Total),
        };
        if (o.Refunded > 0) totals.Add(new("amount_refunded", "Refunded", o.Refunded));
        return new OrderDto("order", o.Id, o.CheckoutSessionId, o.Number, o.PermalinkUrl, o.Status,
            o.Lines.Select(l => new OrderLineDto(l.Id, l.Title, l.ImageUrl, new QuantityDto(l.Ordered, l.Current, Math.Min(l.Fulfilled, l.Current)),
                l.UnitPrice, l.Subtotal, l.Status)).ToArray(),
            o.Fulfillments.Select(f => new FulfillmentDto(f.Id, f.Type, f.Status, f.Lines.Where(x => x.Quantity > 0).Select(x => new LineRefDto(x.LineId, x.Quantity)).ToArray(),
                f.TrackingNumber)).ToArray(),
            o.Refunded > 0 ? [new AdjustmentDto("adj_refund_" + o.Number, "refund", Rfc3339(o.Updated), "completed", o.Refunded, o.Currency)] : [],
            totals);
    }

    public object RenderOrderEvent(string eventType, OrderView order) => new EventDto(eventType, RenderOrder(order));
}
