using System.Text.Json;
using Cmp.Gateway.Features.Acp.Protocol;
using Cmp.Gateway.Infrastructure.Commerce.Entities;
using Cmp.Gateway.Infrastructure.Commerce.Saleor;
using Cmp.Primitives;
using Cmp.Saleor.Catalog;
using Cmp.Saleor.Client;

namespace Cmp.Gateway.Features.Acp.Checkout;

/// <summary>
/// Computes a session from Saleor's checkout (the state) and the session row (what Saleor cannot hold). Pure: the same
/// inputs give the same session, amounts included. Saleor's decimals become integer minor units once, per value, and
/// every derived amount is computed in minor units, so the totals always add up exactly:
/// line <c>subtotal = base − discount</c>, <c>total = subtotal + tax</c>; session
/// <c>total = items_base − items_discount − discount + fulfillment + tax + fee</c>.
/// </summary>
public static class SessionProjector
{
    public const string EnableCheckoutKey = "acp.enable_checkout";

    public static CheckoutSessionView Project(CheckoutSessionRow row, SaleorCheckout checkout, AcpOptions options, DateTimeOffset now,
        string locale, IReadOnlyList<SessionMessage>? extra = null)
    {
        var currency = checkout.TotalPrice.Currency;
        var lines = checkout.Lines.Select(l => Line(l, currency)).ToArray();
        var shippingLineIds = lines.Where(l => l.RequiresShipping).Select(l => l.Id).ToArray();
        var digitalLineIds = lines.Where(l => !l.RequiresShipping).Select(l => l.Id).ToArray();

        var fulfillmentOptions = new List<FulfillmentOption>();
        var selected = new List<string>();
        if (digitalLineIds.Length > 0)
        {
            fulfillmentOptions.Add(new FulfillmentOption(SessionIds.DigitalOption, FulfillmentKind.Digital, AcpTexts.Get(locale, "digital.title"),
                AcpTexts.Get(locale, "digital.description"), null, null, 0, 0, 0, digitalLineIds));
            selected.Add(SessionIds.DigitalOption);
        }
        if (checkout.IsShippingRequired)
        {
            foreach (var m in checkout.ShippingMethods.Where(m => m.Active))
            {
                var price = Minor(m.Price, currency);
                fulfillmentOptions.Add(new FulfillmentOption(SessionIds.ShippingOption(m.Id), FulfillmentKind.Shipping, m.Name,
                    m.MinimumDeliveryDays is { } min && m.MaximumDeliveryDays is { } max ? AcpTexts.Get(locale, "shipping.description", min, max) : null,
                    m.MinimumDeliveryDays is { } a ? now.AddDays(a) : null, m.MaximumDeliveryDays is { } b ? now.AddDays(b) : null,
                    price, 0, price, shippingLineIds));
            }
            if (checkout.Delivery?.ShippingMethod is { } chosen && checkout.ShippingMethods.Any(m => m.Id == chosen.Id && m.Active))
                selected.Add(SessionIds.ShippingOption(chosen.Id));
        }

        var hasShippingChoice = selected.Any(s => s != SessionIds.DigitalOption);
        var totals = Totals(lines, checkout, currency, hasShippingChoice || (!checkout.IsShippingRequired && digitalLineIds.Length > 0));
        var messages = Readiness(row, checkout, lines, locale);
        if (extra is not null) messages.AddRange(extra);

        var status = StatusOf(row, now, messages);
        var address = checkout.IsShippingRequired ? checkout.ShippingAddress : checkout.BillingAddress;

        return new CheckoutSessionView(
            row.Id, status, currency.ToLowerInvariant(), Buyer(row, checkout.Email), lines, address is null ? null : Address(address),
            fulfillmentOptions, selected, totals, messages, Links(options.Merchant), Challenge(row), null,
            Interventions(row), row.Locale, row.CreatedAt, row.UpdatedAt, row.ExpiresAt);
    }

    /// <summary>Terminal sessions: the snapshot taken when they became terminal, with today's status.</summary>
    public static CheckoutSessionView FromSnapshot(CheckoutSessionRow row, AcpOptions options)
    {
        var view = JsonSerializer.Deserialize<CheckoutSessionView>(row.Snapshot!, SnapshotJson)!;
        var status = row.Status == SessionRowStatus.Completed ? SessionStatus.Completed : SessionStatus.Canceled;
        var order = view.Order is { } o
            ? o with { Status = row.OrderStatus ?? o.Status }
            : row.OrderId is { } id ? new SessionOrder(id, row.OrderNumber, OrderUrl(options.Merchant, id, row.OrderNumber), row.OrderStatus ?? "created") : null;
        return view with { Status = status, Order = order, Messages = [], Authentication = null, UpdatedAt = row.UpdatedAt };
    }

    public static string Snapshot(CheckoutSessionView view) => JsonSerializer.Serialize(view with { Messages = [] }, SnapshotJson);

    public static string OrderUrl(MerchantOptions merchant, string orderId, string? number) =>
        merchant.OrderUrlTemplate.Replace("{order_id}", Uri.EscapeDataString(orderId), StringComparison.Ordinal)
            .Replace("{order_number}", Uri.EscapeDataString(number ?? orderId), StringComparison.Ordinal);

    static readonly JsonSerializerOptions SnapshotJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    static SessionLine Line(CheckoutLine l, string currency)
    {
        var subtotal = Minor(l.TotalPrice.Net, currency);
        var total = Minor(l.TotalPrice.Gross, currency);
        var unitGross = Minor(l.UnitPrice.Gross, currency);
        var undiscounted = l.UndiscountedUnitPrice is { } u ? Minor(u, currency) : unitGross;
        var discount = Math.Max(0, (undiscounted - unitGross) * l.Quantity);
        var description = EditorJs.ToPlainText(l.Variant.Product.Description);
        return new SessionLine(
            SessionIds.Line(l.Id), l.Variant.Sku ?? l.Variant.Id, l.Quantity,
            ProductTitle(l.Variant.Product.Name, l.Variant.Name),
            description.Length == 0 ? null : description,
            l.Variant.Product.Thumbnail?.Url,
            Minor(l.UnitPrice.Net, currency), subtotal + discount, discount, subtotal, total - subtotal, total,
            l.Variant.Product.Id, l.Variant.Id, l.RequiresShipping, l.Variant.QuantityAvailable);
    }

    static string ProductTitle(string product, string variant) =>
        string.IsNullOrWhiteSpace(variant) || product.Contains(variant, StringComparison.OrdinalIgnoreCase) ? product : $"{product} ({variant})";

    static SessionTotals Totals(SessionLine[] lines, SaleorCheckout c, string currency, bool fulfillmentKnown)
    {
        var itemsBase = lines.Sum(l => l.BaseAmount);
        var itemsDiscount = lines.Sum(l => l.Discount);
        var subtotal = itemsBase - itemsDiscount;
        long? fulfillment = fulfillmentKnown ? Minor(c.ShippingPrice.Net, currency) : null;
        var total = Minor(c.TotalPrice.Gross, currency);
        var tax = total - Minor(c.TotalPrice.Net, currency);
        // Whatever Saleor took off at checkout level (vouchers) is the order-level discount; a negative remainder can
        // only be rounding, carried as a fee so the identity still holds to the cent.
        var remainder = subtotal + (fulfillment ?? 0) + tax - total;
        return new SessionTotals(itemsBase, itemsDiscount, subtotal, Math.Max(remainder, 0), fulfillment, tax, total)
            { Fee = Math.Max(-remainder, 0) };
    }

    static List<SessionMessage> Readiness(CheckoutSessionRow row, SaleorCheckout c, SessionLine[] lines, string locale)
    {
        var messages = new List<SessionMessage>();
        if (c.Lines.Count == 0)
            messages.Add(new SessionMessage(MessageKind.Error, "missing", ParamTarget.Lines, AcpTexts.Get(locale, "msg.empty")) { Resolution = "recoverable" });
        for (var i = 0; i < c.Lines.Count; i++)
        {
            var line = c.Lines[i];
            var problem = c.Problems?.FirstOrDefault(p => p.Line?.Id == line.Id);
            if (problem is { IsInsufficientStock: true })
                messages.Add(new SessionMessage(MessageKind.Error, "out_of_stock", ParamTarget.Line(i),
                    AcpTexts.Get(locale, "msg.out_of_stock", lines[i].Name, Math.Max(problem.AvailableQuantity ?? 0, 0), line.Quantity)) { Resolution = "recoverable" });
            else if (problem is not null)
                messages.Add(new SessionMessage(MessageKind.Error, "invalid", ParamTarget.Line(i), AcpTexts.Get(locale, "msg.unavailable", lines[i].Name)) { Resolution = "recoverable" });
            else if (!CheckoutEnabled(line.Variant.Product.Metadata))
                messages.Add(new SessionMessage(MessageKind.Error, "invalid", ParamTarget.Line(i), AcpTexts.Get(locale, "msg.not_purchasable", lines[i].Name)) { Resolution = "recoverable" });
        }
        if (string.IsNullOrEmpty(c.Email))
            messages.Add(new SessionMessage(MessageKind.Error, "missing", ParamTarget.BuyerEmail, AcpTexts.Get(locale, "msg.missing_email")) { Resolution = "requires_buyer_input" });
        if (c.IsShippingRequired)
        {
            if (c.ShippingAddress is null)
                messages.Add(new SessionMessage(MessageKind.Error, "missing", ParamTarget.Address(), AcpTexts.Get(locale, "msg.missing_address")) { Resolution = "requires_buyer_input" });
            else if (!c.ShippingMethods.Any(m => m.Active))
                messages.Add(new SessionMessage(MessageKind.Error, "invalid", ParamTarget.Address("country"),
                    AcpTexts.Get(locale, "msg.no_shipping_to", c.ShippingAddress.Country?.Code ?? "?")) { Resolution = "requires_buyer_input" });
            else if (c.Delivery?.ShippingMethod is null)
                messages.Add(new SessionMessage(MessageKind.Error, "missing", ParamTarget.FulfillmentOption, AcpTexts.Get(locale, "msg.missing_fulfillment")) { Resolution = "recoverable" });
        }
        return messages;
    }

    /// <summary>Products are purchasable by agents unless their metadata says <c>acp.enable_checkout: false</c>.</summary>
    public static bool CheckoutEnabled(IReadOnlyList<MetadataItem>? metadata) =>
        !string.Equals(metadata?.FirstOrDefault(m => m.Key == EnableCheckoutKey)?.Value, "false", StringComparison.OrdinalIgnoreCase);

    static SessionStatus StatusOf(CheckoutSessionRow row, DateTimeOffset now, List<SessionMessage> messages) => row.Status switch
    {
        SessionRowStatus.Canceled => SessionStatus.Canceled,
        SessionRowStatus.Completed => SessionStatus.Completed,
        _ when now >= row.ExpiresAt => SessionStatus.Expired,
        SessionRowStatus.AuthenticationRequired => SessionStatus.AuthenticationRequired,
        _ => messages.Any(m => m.Kind == MessageKind.Error && !PaymentOutcomes.Contains(m.Code))
            ? SessionStatus.NotReadyForPayment
            : SessionStatus.ReadyForPayment,
    };

    /// <summary>Messages about a payment attempt: the session itself is still ready for another one.</summary>
    static readonly string[] PaymentOutcomes = ["payment_declined", "requires_3ds", "intervention_required"];

    static SessionBuyer? Buyer(CheckoutSessionRow row, string? email)
    {
        var b = row.Buyer is { Length: > 0 } json ? JsonSerializer.Deserialize<SessionBuyer>(json, SnapshotJson) : null;
        if (b is null && string.IsNullOrEmpty(email)) return null;
        return (b ?? new SessionBuyer(null, null, null, null, null)) with { Email = email };
    }

    public static SessionAddress Address(SaleorAddress a) => new(
        string.Join(' ', new[] { a.FirstName, a.LastName }.Where(s => !string.IsNullOrWhiteSpace(s))),
        a.StreetAddress1 ?? "", string.IsNullOrEmpty(a.StreetAddress2) ? null : a.StreetAddress2, a.City ?? "",
        a.CountryArea ?? "", a.Country?.Code ?? "", a.PostalCode ?? "",
        string.IsNullOrEmpty(a.CompanyName) ? null : a.CompanyName, string.IsNullOrEmpty(a.Phone) ? null : a.Phone);

    static IReadOnlyList<SessionLink> Links(MerchantOptions m)
    {
        var links = new List<SessionLink>();
        if (m.TermsOfUseUrl is { } t) links.Add(new("terms_of_use", t.ToString()));
        if (m.PrivacyPolicyUrl is { } p) links.Add(new("privacy_policy", p.ToString()));
        if (m.ReturnPolicyUrl is { } r) links.Add(new("return_policy", r.ToString()));
        if (m.SupportUrl is { } s) links.Add(new("support", s.ToString()));
        return links;
    }

    static AuthenticationChallenge? Challenge(CheckoutSessionRow row) =>
        row.Status == SessionRowStatus.AuthenticationRequired && row.Authentication is { Length: > 0 } json
            ? JsonSerializer.Deserialize<AuthenticationChallenge>(json, SnapshotJson)
            : null;

    static IReadOnlyList<string> Interventions(CheckoutSessionRow row) =>
        row.AgentCapabilities is { Length: > 0 } json ? JsonSerializer.Deserialize<string[]>(json) ?? [] : [];

    public static long Minor(SaleorMoney m, string currency) => Money.FromMajorRounded(m.Amount, m.Currency.Length == 3 ? m.Currency : currency).Minor;

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, SnapshotJson);
}
