using System.ComponentModel.DataAnnotations;
using Cmp.Gateway.Features.Acp.Protocol;

namespace Cmp.Gateway.Features.Acp;

/// <summary>Agent commerce over ACP. Bound from <c>Acp</c>; every key is listed in AGENT-COMMERCE.md.</summary>
public sealed class AcpOptions : IValidatableObject
{
    public const string Section = "Acp";

    /// <summary>Where the ACP REST API is mounted (checkout sessions, delegate payment, feed).</summary>
    [Required, RegularExpression("^/[A-Za-z0-9/_-]*[A-Za-z0-9_-]$")]
    public string BasePath { get; set; } = "/acp";

    /// <summary>The gateway's public origin (e.g. https://api.example.com): the discovery document's api_base_url and
    /// the test PSP URL in payment handlers. Defaults to the origin of each request.</summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>The Saleor channel ACP sells in (its currency is the sessions' currency).</summary>
    [Required]
    public string Channel { get; set; } = "default-channel";

    /// <summary>API versions accepted in <c>API-Version</c>; a subset of 2025-09-29 and 2026-04-17.</summary>
    [MinLength(1)]
    public string[] SupportedVersions { get; set; } = [AcpVersions.V20250929, AcpVersions.V20260417];

    /// <summary>The agent platforms allowed to call ACP, each with its own API key, optional request-signing key and
    /// order-event webhook.</summary>
    public List<AcpPlatformOptions> Platforms { get; set; } = [];

    [Required]
    public MerchantOptions Merchant { get; set; } = new();

    [Required]
    public IdempotencyOptions Idempotency { get; set; } = new();

    [Required]
    public CheckoutOptions Checkout { get; set; } = new();

    [Required]
    public OrderEventOptions OrderEvents { get; set; } = new();

    /// <summary>Currencies advertised in the discovery document (lower case); the channel's currency is what sessions use.</summary>
    public string[] SupportedCurrencies { get; set; } = ["usd"];

    /// <summary>Where agents read about this seller's ACP integration (discovery document).</summary>
    public Uri? DocumentationUrl { get; set; }

    /// <summary>Allowed clock skew of a signed request's <c>Timestamp</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan SignatureClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    public IReadOnlyList<AcpVersion> Versions() =>
        SupportedVersions.Select(AcpVersions.Parse).Where(v => v is not null).Select(v => v!.Value).Distinct().Order().ToArray();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var v in SupportedVersions.Where(v => AcpVersions.Parse(v) is null))
            yield return new ValidationResult($"Acp:SupportedVersions: '{v}' is not a version this build speaks ({AcpVersions.V20250929}, {AcpVersions.V20260417}).");
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Platforms.Count; i++)
        {
            var p = Platforms[i];
            if (string.IsNullOrWhiteSpace(p.Id) || !ids.Add(p.Id))
                yield return new ValidationResult($"Acp:Platforms:{i}:Id must be set and unique.");
            if (string.IsNullOrEmpty(p.ApiKey) == string.IsNullOrEmpty(p.ApiKeySha256))
                yield return new ValidationResult($"Acp:Platforms:{i}: set exactly one of ApiKey or ApiKeySha256 (64 hex characters).");
            if (p.ApiKeySha256 is { Length: > 0 } h && (h.Length != 64 || !h.All(char.IsAsciiHexDigit)))
                yield return new ValidationResult($"Acp:Platforms:{i}:ApiKeySha256 must be 64 hex characters (SHA-256 of the key).");
            if (p.Webhook?.Url is { } url && string.IsNullOrEmpty(p.Webhook.Secret))
                yield return new ValidationResult($"Acp:Platforms:{i}:Webhook:Secret is required with a webhook URL (events are signed).");
            if (p.Webhook?.Url is { IsAbsoluteUri: false })
                yield return new ValidationResult($"Acp:Platforms:{i}:Webhook:Url must be absolute.");
        }
        if (!Merchant.OrderUrlTemplate.Contains("{order_id}", StringComparison.Ordinal) && !Merchant.OrderUrlTemplate.Contains("{order_number}", StringComparison.Ordinal))
            yield return new ValidationResult("Acp:Merchant:OrderUrlTemplate must contain {order_id} or {order_number}.");
        if (Idempotency.Retention < TimeSpan.FromHours(24))
            yield return new ValidationResult("Acp:Idempotency:Retention must be at least 24 hours (ACP 2026-04-17 §6.6).");
    }
}

public sealed class AcpPlatformOptions
{
    /// <summary>A stable name for the platform (logs, ownership of its sessions).</summary>
    public string Id { get; set; } = "";
    /// <summary>The API key in clear (development only); prefer <see cref="ApiKeySha256"/>.</summary>
    public string? ApiKey { get; set; }
    /// <summary>Lower-case hex SHA-256 of the API key: the key itself never needs to be in configuration.</summary>
    public string? ApiKeySha256 { get; set; }
    /// <summary>When set, requests must carry <c>Signature</c> and <c>Timestamp</c> (HMAC-SHA256, see AGENT-COMMERCE.md).</summary>
    public string? SigningSecret { get; set; }
    public WebhookOptions? Webhook { get; set; }
}

public sealed class WebhookOptions
{
    public Uri? Url { get; set; }
    public string? Secret { get; set; }
    /// <summary>Event names (the spec says order_create/order_update; OpenAI's docs say order_created/order_updated).</summary>
    public string OrderCreateEvent { get; set; } = "order_create";
    public string OrderUpdateEvent { get; set; } = "order_update";
    /// <summary>Name of the signature header (OpenAI's docs suggest "&lt;Merchant&gt;-Signature").</summary>
    public string SignatureHeader { get; set; } = "Merchant-Signature";
}

public sealed class MerchantOptions
{
    /// <summary>The merchant id delegated payment allowances must name.</summary>
    [Required]
    public string Id { get; set; } = "cmp";
    [Required]
    public string Name { get; set; } = "CMP";
    /// <summary>Absolute URL of an order page; <c>{order_id}</c> and <c>{order_number}</c> are replaced.</summary>
    [Required]
    public string OrderUrlTemplate { get; set; } = "https://shop.example.com/orders/{order_id}";
    /// <summary>Absolute URL of a product page; <c>{slug}</c> and <c>{sku}</c> are replaced (feeds).</summary>
    [Required]
    public string ProductUrlTemplate { get; set; } = "https://shop.example.com/products/{slug}";
    public Uri? WebsiteUrl { get; set; }
    public Uri? TermsOfUseUrl { get; set; }
    public Uri? PrivacyPolicyUrl { get; set; }
    public Uri? ReturnPolicyUrl { get; set; }
    public Uri? SupportUrl { get; set; }
    [Range(0, 365)]
    public int ReturnWindowDays { get; set; } = 14;
}

public sealed class IdempotencyOptions
{
    /// <summary>How long a key's response is replayed (at least 24 h).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);
    /// <summary>How long a request may hold its key before a crash is assumed and the key can be processed again.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan InFlightLease { get; set; } = TimeSpan.FromMinutes(2);
    /// <summary><c>Retry-After</c> (seconds) on 409 <c>idempotency_in_flight</c>.</summary>
    [Range(1, 60)]
    public int RetryAfterSeconds { get; set; } = 1;
    /// <summary>How often expired keys are deleted.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(10);
}

public sealed class CheckoutOptions
{
    /// <summary>A session not completed in this time expires.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "30.00:00:00")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(24);
    /// <summary>Pick the cheapest shipping method once an address is known and nothing is chosen.</summary>
    public bool AutoSelectCheapestShipping { get; set; } = true;
    /// <summary>How long a second complete of the same session waits for the first before answering 409.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan ConcurrentCompleteWait { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>Lease of a complete in progress (longer than the slowest payment + Saleor calls).</summary>
    [Range(typeof(TimeSpan), "00:00:10", "00:30:00")]
    public TimeSpan CompleteLease { get; set; } = TimeSpan.FromMinutes(2);
}

public sealed class OrderEventOptions
{
    /// <summary>How often the outbox worker looks for events to deliver.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromHours(1);
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 15;
    /// <summary>How often an order placed through ACP is re-read from Saleor for status changes (order_update).</summary>
    public TimeSpan OrderPollInterval { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>How long after completion orders are followed.</summary>
    public TimeSpan FollowOrdersFor { get; set; } = TimeSpan.FromDays(30);
}
