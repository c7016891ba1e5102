using Cmp.Primitives;

namespace Cmp.Gateway.Auth.Widget;

/// <summary>
/// A browser origin as the <c>Origin</c> header sends it: <c>scheme://host[:port]</c>, lower case, default port
/// omitted. Widget tokens are bound to one, compared exactly.
/// </summary>
public static class WidgetOrigin
{
    public static Result<string> Parse(string? raw, bool allowHttpLoopback)
    {
        if (string.IsNullOrWhiteSpace(raw))
            return Error.Validation("origin_required", "origin is required: the web page's origin, e.g. https://shop.example.com.");
        if (raw.Length > 300 || !Uri.TryCreate(raw.Trim(), UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            return Invalid(raw);
        // Scheme, host and port only: a path (even "/index.html"), a query or credentials mean it is a URL, not an origin.
        if (uri.Scheme is not ("https" or "http") || uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0
            || uri.AbsolutePath != "/" || raw.Contains('*', StringComparison.Ordinal))
            return Invalid(raw);
        if (uri.Scheme == "http" && !(allowHttpLoopback && uri.IsLoopback))
            return Error.Validation("origin_insecure", "origin must use https (plain http is only accepted for localhost pages).");
        return uri.IsDefaultPort ? $"{uri.Scheme}://{uri.Host}" : $"{uri.Scheme}://{uri.Host}:{uri.Port}";
    }

    /// <summary>The request's <c>Origin</c> header in the same form, or null when it has none or it is not an origin.</summary>
    public static string? Of(HttpRequest request)
    {
        var header = request.Headers.Origin.ToString();
        return header.Length == 0 ? null : Parse(header, allowHttpLoopback: true) is { IsSuccess: true } r ? r.Value : null;
    }

    static Error Invalid(string raw) => Error.Validation("origin_invalid",
        $"'{(raw.Length > 100 ? raw[..100] + "…" : raw)}' is not an origin: give scheme, host and optional port only, e.g. https://shop.example.com.");
}
