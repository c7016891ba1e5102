using System.Globalization;

namespace Cmp.Primitives;

/// <summary>An amount in integer minor units of an ISO 4217 currency (USD 19.99 → 1999 "USD").
/// Never use floating point for money: Saleor's JSON floats are converted here, once, at the edge.</summary>
public readonly record struct Money(long Minor, string Currency)
{
    /// <summary>Currencies whose minor unit is not 2 digits (ISO 4217). Everything else uses 2.</summary>
    static readonly Dictionary<string, int> Exponents = new(StringComparer.Ordinal)
    {
        ["BIF"] = 0, ["CLP"] = 0, ["DJF"] = 0, ["GNF"] = 0, ["ISK"] = 0, ["JPY"] = 0, ["KMF"] = 0, ["KRW"] = 0,
        ["PYG"] = 0, ["RWF"] = 0, ["UGX"] = 0, ["UYI"] = 0, ["VND"] = 0, ["VUV"] = 0, ["XAF"] = 0, ["XOF"] = 0,
        ["XPF"] = 0, ["BHD"] = 3, ["IQD"] = 3, ["JOD"] = 3, ["KWD"] = 3, ["LYD"] = 3, ["OMR"] = 3, ["TND"] = 3,
    };

    public static int Exponent(string currency) => Exponents.TryGetValue(currency, out var e) ? e : 2;

    public static bool IsCurrencyCode(string? currency) =>
        currency is { Length: 3 } && currency.All(c => c is >= 'A' and <= 'Z');

    /// <summary>Converts a decimal major-unit amount; fails if it has more precision than the currency allows.</summary>
    public static Result<Money> FromMajor(decimal amount, string currency)
    {
        if (!IsCurrencyCode(currency))
            return Error.Validation("invalid_currency", $"'{currency}' is not an ISO 4217 currency code.");
        var scaled = amount * Pow10(Exponent(currency));
        if (scaled != decimal.Truncate(scaled))
            return Error.Validation("invalid_amount", $"{amount.ToString(CultureInfo.InvariantCulture)} has more decimals than {currency} allows.");
        return new Money((long)scaled, currency);
    }

    /// <summary>Converts a JSON float from Saleor (e.g. 19.99) by rounding to the currency's precision.</summary>
    public static Money FromMajorRounded(double amount, string currency) =>
        new((long)Math.Round((decimal)amount * Pow10(Exponent(currency)), MidpointRounding.AwayFromZero), currency);

    public decimal ToMajor() => Minor / (decimal)Pow10(Exponent(Currency));

    public override string ToString() =>
        ToMajor().ToString("F" + Exponent(Currency).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + " " + Currency;

    static decimal Pow10(int e) => e switch { 0 => 1m, 2 => 100m, 3 => 1000m, _ => (decimal)Math.Pow(10, e) };
}
