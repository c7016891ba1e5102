using Cmp.Gateway.Features.Acp.Checkout;
using Cmp.Gateway.Features.Acp.Protocol;
using Cmp.Primitives;

namespace Cmp.Gateway.Features.Mcp;

/// <summary>The version-neutral checkout and order as MCP tool outputs, with the next step spelled out.</summary>
public static class McpMapping
{
    public static McpPrice Price(long minor, string currency)
    {
        var upper = currency.ToUpperInvariant();
        return new McpPrice(minor, currency.ToLowerInvariant(), new Money(minor, upper).ToString());
    }

    public static CheckoutOut Checkout(CheckoutSessionView v, string merchantId, string? delegateUrl, IReadOnlyList<string> tokens)
    {
        var c = v.Currency;
        var payable = v.Status is SessionStatus.ReadyForPayment or SessionStatus.AuthenticationRequired;
        return new CheckoutOut(
            v.Id,
            Status(v.Status),
            v.Buyer?.Email,
            v.Lines.Select(l => new CheckoutLineOut(l.Id, l.ItemId, l.Name, l.Quantity, Price(l.UnitAmount, c), Price(l.Total, c))).ToArray(),
            v.FulfillmentOptions.Select(o => new FulfillmentOptionOut(o.Id, o.Kind == FulfillmentKind.Shipping ? "shipping" : "digital", o.Title, o.Description,
                Price(o.Total, c), v.SelectedOptionIds.Contains(o.Id))).ToArray(),
            v.FulfillmentAddress is { } a ? new AddressOut(a.Name, a.LineOne, a.LineTwo, a.City, a.State, a.Country, a.PostalCode) : null,
            new TotalsOut(Price(v.Totals.Subtotal, c), v.Totals.Fulfillment is { } f ? Price(f, c) : null, Price(v.Totals.Tax, c),
                Price(v.Totals.Discount + v.Totals.ItemsDiscount, c), Price(v.Totals.Total, c)),
            v.Messages.Select(m => new MessageOut(m.Kind.ToString().ToLowerInvariant(), m.Code, Field(m.Param), m.Content)).ToArray(),
            payable ? new PaymentInstructions(merchantId, v.Id, v.Totals.Total, c, delegateUrl, tokens) : null,
            v.Authentication is { } auth ? new AuthenticationOut(auth.DirectoryServer, auth.AcquirerBin, auth.AcquirerCountry, auth.AcquirerMerchantId, auth.MerchantName) : null,
            v.Order?.Detail is { } o ? Order(o) : v.Order is { } so ? new OrderOut(so.Id, so.Number ?? "", so.Status, so.PermalinkUrl, Price(v.Totals.Total, c), Price(0, c), [], v.Id) : null,
            NextStep(v),
            v.ExpiresAt);
    }

    public static OrderOut Order(OrderView o) => new(o.Id, o.Number, o.Status, o.PermalinkUrl, Price(o.Total, o.Currency), Price(o.Refunded, o.Currency),
        o.Lines.Select(l => new OrderLineOut(l.Title, l.Sku, l.Ordered, l.Fulfilled, Price(l.Subtotal, o.Currency))).ToArray(), o.CheckoutSessionId);

    static string Status(SessionStatus s) => s switch
    {
        SessionStatus.NotReadyForPayment => "not_ready_for_payment",
        SessionStatus.ReadyForPayment => "ready_for_payment",
        SessionStatus.AuthenticationRequired => "authentication_required",
        SessionStatus.Completed => "completed",
        SessionStatus.Canceled => "canceled",
        _ => "expired",
    };

    /// <summary>The MCP argument a message is about.</summary>
    static string? Field(ParamTarget? p) => p?.Kind switch
    {
        "line" => $"items[{p.Index}]",
        "lines" => "items",
        "buyer_email" => "buyer_email",
        "address" => p.Field is null ? "shipping_address" : $"shipping_address.{p.Field}",
        "fulfillment_option" => "fulfillment_option_id",
        "payment_data" => "payment_token",
        "authentication_result" => "authentication_result",
        _ => null,
    };

    static string NextStep(CheckoutSessionView v)
    {
        switch (v.Status)
        {
            case SessionStatus.Completed:
                return $"Done: order {v.Order?.Number} is placed. Agent plans are provisioned to the buyer's account within moments; see list_my_agents.";
            case SessionStatus.Canceled:
                return "This checkout is canceled; create a new one to buy.";
            case SessionStatus.Expired:
                return "This checkout expired; create a new one.";
            case SessionStatus.AuthenticationRequired:
                return "The card issuer requires 3-D Secure: have the buyer authenticate, then call complete_checkout again with the same payment_token, a new idempotency_key and authentication_result.";
        }
        var blocking = v.Messages.FirstOrDefault(m => m.Kind == MessageKind.Error && m.Code is not ("payment_declined" or "requires_3ds" or "intervention_required"));
        if (blocking is not null) return $"Fix this first, with update_checkout: {blocking.Content}";
        var declined = v.Messages.FirstOrDefault(m => m.Code is "payment_declined" or "requires_3ds" or "intervention_required");
        var total = new Money(v.Totals.Total, v.Currency.ToUpperInvariant()).ToString();
        return (declined is null ? "" : $"The last payment failed ({declined.Content}). ")
               + $"Ready: confirm the total of {total} with the buyer, get a payment token for at most {v.Totals.Total} {v.Currency} for this checkout "
               + "(see payment), then call complete_checkout with it and a fresh idempotency_key.";
    }
}

