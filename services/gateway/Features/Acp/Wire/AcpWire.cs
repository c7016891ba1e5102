using System.Text.Json;
using Cmp.Gateway.Features.Acp.Checkout;
using Cmp.Gateway.Features.Acp.Protocol;
using Cmp.Gateway.Features.Payments;
using Cmp.Primitives;

namespace Cmp.Gateway.Features.Acp.Wire;

/// <summary>What rendering a session needs besides the session: the seller's payment handlers (2026-04-17 capabilities).</summary>
public sealed record RenderContext(IReadOnlyList<PaymentHandlerDescriptor> Handlers);

/// <summary>One ACP API version on the wire: its request bodies parsed into version-neutral commands, and sessions,
/// orders and order events rendered in its shapes. Everything else is shared.</summary>
public interface IAcpWire
{
    AcpVersion Version { get; }
    Result<CreateSessionCommand> ParseCreate(byte[] body, string locale);
    Result<UpdateSessionCommand> ParseUpdate(byte[] body, string locale);
    Result<CompleteSessionCommand> ParseComplete(byte[] body, string locale);
    /// <summary>Validates the (optional) cancel body.</summary>
    Result<Unit> ParseCancel(byte[] body, string locale);
    object RenderSession(CheckoutSessionView view, RenderContext context);
    object RenderOrderEvent(string eventType, OrderView order);
}

public static class AcpWires
{
    public static IAcpWire For(AcpVersion v) => v switch
    {
        AcpVersion.V20250929 => V20250929Wire.Instance,
        AcpVersion.V20260417 => V20260417Wire.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(v)),
    };

    /// <summary>Strict deserialization; a mistake becomes a 400 naming the JSONPath the parser stopped at.</summary>
    public static Result<T> Read<T>(byte[] body, string locale) where T : class
    {
        if (body.Length == 0) return AcpErrors.Invalid("missing_body", AcpTexts.Get(locale, "err.invalid_body", "a JSON object is required"), "$");
        try
        {
            return JsonSerializer.Deserialize<T>(body, AcpJson.Read) is { } value
                ? value
                : AcpErrors.Invalid("invalid_body", AcpTexts.Get(locale, "err.invalid_body", "a JSON object is required"), "$");
        }
        catch (JsonException e)
        {
            // The parser's own messages name .NET types; say what is wrong in the request's terms instead.
            var path = e.Path ?? "$";
            var unknown = e.Message.Contains("could not be mapped", StringComparison.Ordinal);
            var reason = unknown ? $"{path} is not a member of this request"
                : e.Message.Contains("missing required", StringComparison.OrdinalIgnoreCase) ? $"{path} lacks a required member"
                : $"{path} has the wrong type or format";
            return AcpErrors.Invalid(unknown ? "unknown_field" : "invalid_body", AcpTexts.Get(locale, "err.invalid_body", reason), path);
        }
    }

    public static Error Required(string param, string locale) =>
        AcpErrors.Invalid("missing_required_field", AcpTexts.Get(locale, "err.invalid_body", $"{param} is required"), param);

    public static Error InvalidValue(string param, string why, string locale) =>
        AcpErrors.Invalid("invalid_value", AcpTexts.Get(locale, "err.invalid_body", $"{param} {why}"), param);

    /// <summary>Quantities are whole units: ≥ 1 (acp.md §15: the 2025-09-29 copy says "number > 0"; the original
    /// release and OpenAI's docs say integer ≥ 1, which is what a cart can hold).</summary>
    public static Result<int> Quantity(decimal? q, string param, string locale, int fallback = 0)
    {
        if (q is null) return fallback > 0 ? fallback : Required(param, locale);
        if (q <= 0 || q != decimal.Truncate(q.Value) || q > 10_000) return InvalidValue(param, "must be a whole number from 1 to 10000", locale);
        return (int)q.Value;
    }

    public static Result<AddressInput> Address(string? name, string? lineOne, string? lineTwo, string? city, string? state, string? country,
        string? postalCode, string? company, string? phone, string param, string locale)
    {
        foreach (var (value, field) in new[] { (name, "name"), (lineOne, "line_one"), (city, "city"), (state, "state"), (country, "country"), (postalCode, "postal_code") })
            if (string.IsNullOrWhiteSpace(value)) return Required($"{param}.{field}", locale);
        if (country!.Trim().Length != 2 || !country.Trim().All(char.IsAsciiLetter))
            return InvalidValue($"{param}.country", "must be an ISO 3166-1 alpha-2 code", locale);
        return new AddressInput(name!, lineOne!, lineTwo, city!, state!, country, postalCode!, company, phone);
    }

    public static IEnumerable<object> TotalsOf(SessionTotals t, string locale)
    {
        yield return new TotalDto("items_base_amount", AcpTexts.Get(locale, "total.items_base_amount"), t.ItemsBase);
        if (t.ItemsDiscount > 0) yield return new TotalDto("items_discount", AcpTexts.Get(locale, "total.items_discount"), t.ItemsDiscount);
        yield return new TotalDto("subtotal", AcpTexts.Get(locale, "total.subtotal"), t.Subtotal);
        if (t.Discount > 0) yield return new TotalDto("discount", AcpTexts.Get(locale, "total.discount"), t.Discount);
        if (t.Fulfillment is { } f) yield return new TotalDto("fulfillment", AcpTexts.Get(locale, "total.fulfillment"), f);
        yield return new TotalDto("tax", AcpTexts.Get(locale, "total.tax"), t.Tax);
        if (t.Fee > 0) yield return new TotalDto("fee", "Rounding", t.Fee);
        yield return new TotalDto("total", AcpTexts.Get(locale, "total.total"), t.Total);
    }
}

public sealed record TotalDto(string Type, string DisplayText, long Amount);
