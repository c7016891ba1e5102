namespace Cmp.Gateway.Infrastructure.Commerce.Entities;

/// <summary>
/// A delegated payment token of the built-in test PSP (<c>vt_…</c>) and its allowance. Only a hash of the token is
/// stored, and of the card only what a receipt shows (brand, last four, funding, expiry) plus the simulated outcome its
/// test number stands for; never the number or the CVC.
/// </summary>
public sealed class VaultTokenRow
{
    public string TokenHash { get; set; } = "";
    public string Hint { get; set; } = "";
    public string Owner { get; set; } = "";
    public long MaxAmount { get; set; }
    public string Currency { get; set; } = "";
    public string CheckoutSessionId { get; set; } = "";
    public string MerchantId { get; set; } = "";
    public DateTimeOffset ExpiresAt { get; set; }
    public string CardBrand { get; set; } = "";
    public string CardLast4 { get; set; } = "";
    public string CardFunding { get; set; } = "";
    public string Behaviour { get; set; } = "";
    public string Status { get; set; } = VaultTokenStatus.Active;
    public DateTimeOffset? UsedAt { get; set; }
    public string? ChargeId { get; set; }
    /// <summary>JSON: the metadata returned to the caller.</summary>
    public string Metadata { get; set; } = "{}";
    public DateTimeOffset CreatedAt { get; set; }
}

public static class VaultTokenStatus
{
    public const string Active = "active";
    public const string Used = "used";
}
