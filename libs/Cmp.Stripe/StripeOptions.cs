using System.ComponentModel.DataAnnotations;

namespace Cmp.Stripe;

/// <summary>How CMP reaches Stripe. Bound from <c>Stripe</c>; timeouts, retries and the circuit breaker come from
/// <c>Http:stripe</c> (see Cmp.Hosting).</summary>
public sealed class StripeOptions : IValidatableObject
{
    public const string Section = "Stripe";

    /// <summary>Stripe's API origin; a simulator's URL in tests.</summary>
    [Required]
    public Uri ApiBase { get; set; } = new("https://api.stripe.com");

    /// <summary>The secret (<c>sk_…</c>) or restricted (<c>rk_…</c>) key, sent as a bearer token. Never logged.</summary>
    [Required]
    public string SecretKey { get; set; } = "";

    /// <summary>Pinned API version (<c>Stripe-Version</c>). Shared payment tokens need a preview version today.</summary>
    [Required]
    public string ApiVersion { get; set; } = "2026-04-22.preview";

    /// <summary>Where a shared payment token goes on a PaymentIntent: <c>payment_method_data[shared_payment_granted_token]</c>
    /// (current) or the older top-level <c>shared_payment_granted_token</c> (stripe.md §3.3).</summary>
    [Required]
    public string SharedTokenParameter { get; set; } = NestedSharedTokenParameter;

    public const string NestedSharedTokenParameter = "payment_method_data[shared_payment_granted_token]";
    public const string TopLevelSharedTokenParameter = "shared_payment_granted_token";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (SecretKey.Length > 0 && !(SecretKey.StartsWith("sk_", StringComparison.Ordinal) || SecretKey.StartsWith("rk_", StringComparison.Ordinal)))
            yield return new ValidationResult("Stripe:SecretKey must be a secret (sk_…) or restricted (rk_…) key.", [nameof(SecretKey)]);
        if (SharedTokenParameter is not (NestedSharedTokenParameter or TopLevelSharedTokenParameter))
            yield return new ValidationResult($"Stripe:SharedTokenParameter must be '{NestedSharedTokenParameter}' or '{TopLevelSharedTokenParameter}'.",
                [nameof(SharedTokenParameter)]);
        if (!ApiBase.IsAbsoluteUri) yield return new ValidationResult("Stripe:ApiBase must be an absolute URL.", [nameof(ApiBase)]);
    }
}
