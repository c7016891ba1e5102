using System.ComponentModel.DataAnnotations;

namespace Cmp.Gateway.Features.RateLimits;

/// <summary>Token buckets for runs, widget sessions and agent commerce (ACP, feeds). Bound from <c>RateLimits</c>.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    public bool Enabled { get; set; } = true;

    /// <summary>One bucket per credential: each API key, each Keycloak user, each widget session. Default 25/s, bursts of 50.</summary>
    public BucketOptions PerKey { get; set; } = new() { TokenLimit = 50, TokensPerPeriod = 5, ReplenishmentPeriod = TimeSpan.FromMilliseconds(200) };

    /// <summary>One bucket per tenant, shared by all its keys, users and widgets. Default 100/s, bursts of 200.</summary>
    public BucketOptions PerTenant { get; set; } = new() { TokenLimit = 200, TokensPerPeriod = 20, ReplenishmentPeriod = TimeSpan.FromMilliseconds(200) };

    /// <summary>One bucket per ACP caller (an agent platform's key, or a buyer on delegate_payment and feeds). An agent
    /// platform carries many shoppers, so the default is generous: 100/s, bursts of 200.</summary>
    public BucketOptions PerAgentPlatform { get; set; } = new() { TokenLimit = 200, TokensPerPeriod = 20, ReplenishmentPeriod = TimeSpan.FromMilliseconds(200) };
}

/// <summary>A token bucket: holds at most <see cref="TokenLimit"/> requests, refilled by <see cref="TokensPerPeriod"/>
/// every <see cref="ReplenishmentPeriod"/> (sustained rate = TokensPerPeriod / ReplenishmentPeriod).</summary>
public sealed class BucketOptions
{
    [Range(1, 1_000_000)]
    public int TokenLimit { get; set; }

    [Range(1, 1_000_000)]
    public int TokensPerPeriod { get; set; }

    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan ReplenishmentPeriod { get; set; }
}
