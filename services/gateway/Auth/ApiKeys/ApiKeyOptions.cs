using System.ComponentModel.DataAnnotations;

namespace Cmp.Gateway.Auth.ApiKeys;

/// <summary>Instance API keys. Bound from <c>ApiKeys</c>.</summary>
public sealed class ApiKeyOptions
{
    public const string Section = "ApiKeys";

    /// <summary>
    /// How long the control plane's answer about a key is reused. This is the revocation bound: a key revoked in the
    /// control plane stops working here at most this long afterwards (the age of an answer counts from when the
    /// question was asked). Unknown and revoked keys are remembered as long, so guessing keys cannot flood the
    /// control plane.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most distinct keys remembered at once.</summary>
    [Range(100, 10_000_000)]
    public int MaxCacheEntries { get; set; } = 100_000;
}
