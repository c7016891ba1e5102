using System.Globalization;
using System.Text.Json;
using Cmp.Primitives;

namespace Cmp.Saleor.Webhooks;

/// <summary>
/// Parses the body of a verified ORDER_FULLY_PAID / ORDER_REFUNDED / ORDER_FULLY_REFUNDED / ORDER_CANCELLED delivery
/// (the subscription documents under <c>Operations/subscriptions</c>, fragment <c>OrderEventPayload</c>) into
/// <see cref="SaleorOrderEvent"/>. The body is the unwrapped <c>event</c> selection (saleor.md §3.2); the Feature
/// Preview form's <c>{"data": {...}}</c> envelope is accepted too.
/// </summary>
public static class SaleorOrderEvents
{
    static readonly Dictionary<string, SaleorOrderEventType> Events = new(StringComparer.OrdinalIgnoreCase)
    {
        ["order_fully_paid"] = SaleorOrderEventType.OrderFullyPaid,
        ["order_refunded"] = SaleorOrderEventType.OrderRefunded,
        ["order_fully_refunded"] = SaleorOrderEventType.OrderFullyRefunded,
        ["order_cancelled"] = SaleorOrderEventType.OrderCancelled,
    };

    /// <summary>Parses a delivery that passed <see cref="SaleorWebhookVerifier"/>.</summary>
    public static Result<SaleorOrderEvent> Parse(VerifiedSaleorWebhook webhook) => Parse(webhook.Event, webhook.Body.Span);

    /// <summary>Parses a body for a <c>Saleor-Event</c> value. Events CMP does not handle come back as
    /// <see cref="ErrorKind.NoOp"/> (acknowledge and ignore).</summary>
    public static Result<SaleorOrderEvent> Parse(string saleorEvent, ReadOnlySpan<byte> body)
    {
        if (!Events.TryGetValue(saleorEvent, out var type))
            return Error.NoOp(SaleorWebhookErrors.EventUnsupported, $"CMP does not handle the Saleor event '{saleorEvent}'.");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException e)
        {
            return Invalid($"the body is not JSON ({e.Message})");
        }
        using (doc)
        {
            try
            {
                return Read(type, Unwrap(doc.RootElement));
            }
            catch (PayloadException e)
            {
                return Invalid(e.Message);
            }
        }
    }

    static JsonElement Unwrap(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
            && !root.TryGetProperty("order", out _))
        {
            var fields = data.EnumerateObject().ToList();
            if (fields.Count == 1 && fields[0].Value.ValueKind == JsonValueKind.Object) return fields[0].Value;
        }
        return root;
    }

    static SaleorOrderEvent Read(SaleorOrderEventType type, JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object) throw new PayloadException("the body is not a JSON object");
        if (OptString(e, "__typename") is { } typename && typename != type.ToString())
            throw new PayloadException($"__typename is {typename} but Saleor-Event says {type}");
        var errors = e.TryGetProperty("errors", out var errs) && errs.ValueKind == JsonValueKind.Array
            ? errs.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Object && x.TryGetProperty("message", out var m) ? m.ToString() : x.ToString()).ToArray()
            : [];
        if (!e.TryGetProperty("order", out var order) || order.ValueKind != JsonValueKind.Object)
            throw new PayloadException("order is missing" + (errors.Length > 0 ? $" (Saleor reported: {string.Join("; ", errors)})" : ""));
        return new SaleorOrderEvent(type, OptDate(e, "issuedAt"), OptString(e, "version"), ReadOrder(order), errors);
    }

    static SaleorOrderSnapshot ReadOrder(JsonElement o)
    {
        var channel = Obj(o, "channel");
        var currency = channel is { } c ? OptString(c, "currencyCode") : null;
        return new SaleorOrderSnapshot(
            ReqString(o, "id", "order"),
            ReqString(o, "number", "order"),
            OptDate(o, "created"),
            OptString(o, "status"),
            OptString(o, "chargeStatus"),
            OptString(o, "userEmail"),
            Obj(o, "user") is { } user ? OptString(user, "id") : null,
            channel is { } ch ? OptString(ch, "slug") : null,
            ReadTotal(o, currency),
            Metadata(o),
            o.TryGetProperty("lines", out var lines) && lines.ValueKind == JsonValueKind.Array
                ? lines.EnumerateArray().Select(ReadLine).ToArray()
                : throw new PayloadException("order.lines is missing"));
    }

    static Money ReadTotal(JsonElement order, string? channelCurrency)
    {
        var gross = Obj(order, "total") is { } total ? Obj(total, "gross") : null;
        if (gross is not { } g || !g.TryGetProperty("amount", out var amount) || amount.ValueKind != JsonValueKind.Number)
            throw new PayloadException("order.total.gross.amount is missing");
        var currency = OptString(g, "currency") ?? channelCurrency;
        if (!Money.IsCurrencyCode(currency)) throw new PayloadException($"order.total.gross.currency '{currency}' is not an ISO 4217 code");
        return Money.FromMajorRounded(amount.GetDouble(), currency!);
    }

    static SaleorOrderLine ReadLine(JsonElement l)
    {
        if (l.ValueKind != JsonValueKind.Object) throw new PayloadException("an order line is not an object");
        var id = ReqString(l, "id", "order line");
        if (!l.TryGetProperty("quantity", out var q) || q.ValueKind != JsonValueKind.Number || !q.TryGetInt32(out var quantity) || quantity < 0)
            throw new PayloadException($"order line {id} has no valid quantity");
        var variant = Obj(l, "variant");
        var product = variant is { } v ? Obj(v, "product") : null;
        return new SaleorOrderLine(
            id,
            NonEmpty(OptString(l, "productSku")) ?? (variant is { } vs ? NonEmpty(OptString(vs, "sku")) : null),
            quantity,
            OptString(l, "productName"),
            OptString(l, "variantName"),
            NonEmpty(OptString(l, "productVariantId")) ?? (variant is { } vi ? OptString(vi, "id") : null),
            product is { } p ? OptString(p, "id") : null,
            product is { } ps ? OptString(ps, "slug") : null,
            Metadata(l),
            variant is { } vm ? Metadata(vm) : Empty,
            product is { } pm ? Metadata(pm) : Empty);
    }

    static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();

    /// <summary>Saleor's metadata is a list of {key, value}; later duplicates win.</summary>
    static IReadOnlyDictionary<string, string> Metadata(JsonElement o)
    {
        if (!o.TryGetProperty("metadata", out var list) || list.ValueKind != JsonValueKind.Array) return Empty;
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in list.EnumerateArray())
            if (OptString(item, "key") is { } key) d[key] = OptString(item, "value") ?? "";
        return d;
    }

    static JsonElement? Obj(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;

    static string? OptString(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    static string ReqString(JsonElement o, string name, string what) =>
        NonEmpty(OptString(o, name)) ?? throw new PayloadException($"{what}.{name} is missing");

    static string? NonEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    static DateTimeOffset? OptDate(JsonElement o, string name) =>
        OptString(o, name) is { } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d : null;

    static Error Invalid(string why) => Error.Validation(SaleorWebhookErrors.PayloadInvalid, $"The Saleor order event cannot be read: {why}.");

    /// <summary>Private to this parser: unwinds a deep read to <see cref="Parse(string, ReadOnlySpan{byte})"/>, which
    /// turns it into a Validation error. It never leaves this class.</summary>
    sealed class PayloadException(string message) : Exception(message);
}
