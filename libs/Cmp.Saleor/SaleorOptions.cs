using System.ComponentModel.DataAnnotations;

namespace Cmp.Saleor;

/// <summary>How CMP reaches Saleor and checks what Saleor sends. Bound from <c>Saleor</c>; timeouts, retries and the
/// circuit breaker of the GraphQL client come from <c>Http:saleor</c>.</summary>
public sealed class SaleorOptions : IValidatableObject
{
    public const string Section = "Saleor";

    /// <summary>The GraphQL endpoint, e.g. <c>https://shop.example.com/graphql/</c>. The trailing <c>/graphql/</c> is
    /// required: Saleor answers <c>/graphql</c> with a redirect, which would turn every POST into a failure.</summary>
    [Required]
    public Uri? ApiUrl { get; set; }

    /// <summary>App token sent as <c>Authorization: Bearer</c>. Saleor treats an unknown token as anonymous, so a
    /// wrong token shows up as "permission denied"; the readiness check says so explicitly.</summary>
    public string? AppToken { get; set; }

    /// <summary>The API URL Saleor puts in <c>Saleor-Api-Url</c> when it differs from <see cref="ApiUrl"/> (Saleor's
    /// <c>PUBLIC_URL</c> while CMP reaches Saleor on an internal address). Defaults to <see cref="ApiUrl"/>.</summary>
    public Uri? PublicApiUrl { get; set; }

    /// <summary>Legacy HMAC mode: the webhooks' <c>secretKey</c>. When set, only HMAC-SHA256 signatures are accepted.
    /// Deprecated by Saleor since 3.5; leave empty to verify JWS signatures against Saleor's JWKS.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>How long fetched signing keys are trusted before the JWKS is read again.</summary>
    public TimeSpan JwksCacheDuration { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>At most one JWKS fetch per this interval, however many unknown key ids arrive. A delivery whose key
    /// could not be looked up because of this limit is answered as transient (503), so Saleor retries it.</summary>
    public TimeSpan JwksMinRefetchInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>After a refetch did not find a key id, that id is rejected without fetching for this long.</summary>
    public TimeSpan UnknownKeyRetryAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Webhook bodies larger than this are refused before verification.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int WebhookMaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>The expected <c>Saleor-Api-Url</c> of webhook deliveries.</summary>
    public Uri ExpectedWebhookApiUrl() => PublicApiUrl ?? ApiUrl ?? throw new InvalidOperationException("Saleor:ApiUrl is not configured.");

    /// <summary>The expected <c>Saleor-Domain</c>: host and, if not the default, port of the public API URL.</summary>
    public string ExpectedWebhookDomain()
    {
        var url = ExpectedWebhookApiUrl();
        return url.IsDefaultPort ? url.Host : $"{url.Host}:{url.Port}";
    }

    /// <summary>Where Saleor publishes its signing keys: the API URL with <c>graphql/</c> replaced by
    /// <c>.well-known/jwks.json</c> (the host root for a normal deployment). Always from configuration, never from a request.</summary>
    public Uri JwksUrl() => new(ApiUrl ?? throw new InvalidOperationException("Saleor:ApiUrl is not configured."), "../.well-known/jwks.json");

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, url) in new[] { (nameof(ApiUrl), ApiUrl), (nameof(PublicApiUrl), PublicApiUrl) })
        {
            if (url is null) continue;
            if (CheckApiUrl(url) is { } problem) yield return new ValidationResult($"Saleor:{name} {problem}", [name]);
        }
        if (AppToken is { } token && (token.Length == 0 || token.Any(char.IsWhiteSpace)))
            yield return new ValidationResult("Saleor:AppToken must not be empty or contain whitespace.", [nameof(AppToken)]);
    }

    /// <summary>Why <paramref name="url"/> is not a usable Saleor GraphQL endpoint, or null.</summary>
    public static string? CheckApiUrl(Uri url)
    {
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            return $"must be an absolute http(s) URL, got '{url}'.";
        if (!url.AbsolutePath.EndsWith("/graphql/", StringComparison.Ordinal))
            return $"must end with /graphql/ (Saleor redirects /graphql), got '{url}'.";
        if (!string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment))
            return $"must not carry a query or fragment, got '{url}'.";
        return null;
    }
}
