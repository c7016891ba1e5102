using System.ComponentModel.DataAnnotations;

namespace Cmp.Gateway.Features.Payments;

/// <summary>Payment providers that can complete an ACP checkout. Bound from <c>Payments</c>.</summary>
public sealed class PaymentOptions
{
    public const string Section = "Payments";

    [Required]
    public TestPspOptions TestPsp { get; set; } = new();

    [Required]
    public StripeProviderOptions Stripe { get; set; } = new();
}

/// <summary>
/// The built-in test PSP: issues <c>vt_…</c> vault tokens at <c>{BasePath}/agentic_commerce/delegate_payment</c> and
/// "charges" them without moving money. Off by default: enabled, it lets anyone with a Luhn-valid test number buy.
/// </summary>
public sealed class TestPspOptions
{
    public bool Enabled { get; set; }
    /// <summary>The payment handler id advertised in 2026-04-17 capabilities.</summary>
    [Required]
    public string HandlerId { get; set; } = "cmp_test_psp";
    /// <summary>A card_testing risk signal with action <c>manual_review</c> and at least this score is refused like <c>blocked</c>.</summary>
    [Range(0, int.MaxValue)]
    public int ManualReviewBlockScore { get; set; } = 90;
    /// <summary>Longest allowance a token may carry.</summary>
    public TimeSpan MaxAllowanceLifetime { get; set; } = TimeSpan.FromDays(7);
    [Required]
    public ThreeDsAcquirerOptions ThreeDs { get; set; } = new();
}

/// <summary>Stripe: PaymentIntents paid with a shared payment token (<c>spt_…</c>) or a PaymentMethod id (<c>pm_…</c>).
/// The client itself is configured under <c>Stripe</c> (key, API version) and <c>Http:stripe</c>.</summary>
public sealed class StripeProviderOptions
{
    public bool Enabled { get; set; }
    [Required]
    public string HandlerId { get; set; } = "stripe_spt";
    /// <summary><c>automatic</c> (charge at completion) or <c>manual</c> (authorise; capture later in Saleor's dashboard flow).</summary>
    [Required, RegularExpression("^(automatic|manual)$")]
    public string CaptureMethod { get; set; } = "automatic";
    /// <summary>The merchant's Stripe account or profile, shown in the payment handler's config.</summary>
    public string? AccountId { get; set; }
    [Required]
    public ThreeDsAcquirerOptions ThreeDs { get; set; } = new();
}

/// <summary>The acquirer details an agent needs to run 3-D Secure (2026-04-17 <c>authentication_metadata</c>).</summary>
public sealed class ThreeDsAcquirerOptions
{
    [Required, MaxLength(11)]
    public string AcquirerBin { get; set; } = "400000";
    [Required, StringLength(2, MinimumLength = 2)]
    public string AcquirerCountry { get; set; } = "US";
    [Required, MaxLength(35)]
    public string AcquirerMerchantId { get; set; } = "cmp-merchant";
    [Required, MaxLength(40)]
    public string MerchantName { get; set; } = "CMP";
}
