using System.Globalization;

namespace Cmp.Stripe;

/// <summary>
/// Stripe's v1 request body: <c>application/x-www-form-urlencoded</c> with bracket notation for nesting
/// (<c>metadata[order]=42</c>, <c>payment_method_types[0]=card</c>), booleans in lower case. Pairs keep their insertion
/// order, so a retried request is byte-identical (Stripe compares parameters per idempotency key).
/// </summary>
public sealed class StripeForm
{
    readonly List<KeyValuePair<string, string>> _pairs = [];

    public IReadOnlyList<KeyValuePair<string, string>> Pairs => _pairs;

    public StripeForm Add(string key, string? value)
    {
        if (value is not null) _pairs.Add(new(key, value));
        return this;
    }

    public StripeForm Add(string key, long? value) => value is { } v ? Add(key, v.ToString(CultureInfo.InvariantCulture)) : this;

    public StripeForm Add(string key, bool? value) => value is { } v ? Add(key, v ? "true" : "false") : this;

    /// <summary><c>prefix[key]=value</c> for each entry, in key order (stable bodies).</summary>
    public StripeForm AddMap(string prefix, IReadOnlyDictionary<string, string>? map)
    {
        if (map is null) return this;
        foreach (var (k, v) in map.OrderBy(kv => kv.Key, StringComparer.Ordinal)) Add($"{prefix}[{k}]", v);
        return this;
    }

    /// <summary><c>prefix[0]=a&amp;prefix[1]=b</c> (the indexed style the official SDKs send).</summary>
    public StripeForm AddList(string prefix, IEnumerable<string>? values)
    {
        if (values is null) return this;
        var i = 0;
        foreach (var v in values) Add($"{prefix}[{i++}]", v);
        return this;
    }

    public FormUrlEncodedContent ToContent() => new(_pairs);
}
