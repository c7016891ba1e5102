namespace Cmp.Stripe;

/// <summary>What pays a PaymentIntent.</summary>
public abstract record StripeCredential
{
    /// <summary>A shared payment token (<c>spt_…</c>) granted to this seller by an AI agent's platform.</summary>
    public sealed record SharedPaymentToken(string Token) : StripeCredential;

    /// <summary>A PaymentMethod id (<c>pm_…</c>, including Stripe's test ids such as <c>pm_card_visa</c>).</summary>
    public sealed record PaymentMethod(string Id) : StripeCredential;

    /// <summary>A card token (<c>tok_…</c>), attached inline as <c>payment_method_data[card][token]</c>.</summary>
    public sealed record CardToken(string Token) : StripeCredential;

    public static StripeCredential Parse(string token) => token switch
    {
        _ when token.StartsWith("spt_", StringComparison.Ordinal) => new SharedPaymentToken(token),
        _ when token.StartsWith("pm_", StringComparison.Ordinal) => new PaymentMethod(token),
        _ => new CardToken(token),
    };
}

/// <summary>The result of a 3-D Secure authentication run outside Stripe (by the agent), passed on at confirmation
/// as <c>payment_method_options[card][three_d_secure]</c>.</summary>
public sealed record ExternalThreeDSecure(string Cryptogram, string ElectronicCommerceIndicator, string TransactionId, string Version);

/// <summary>Create-and-confirm a PaymentIntent in one call (what a server-side checkout wants).</summary>
public sealed record PaymentIntentCreate(long Amount, string Currency, StripeCredential Credential)
{
    /// <summary><c>automatic</c> (charge now) or <c>manual</c> (authorise, capture later). Sent explicitly: the default
    /// depends on the API version.</summary>
    public string CaptureMethod { get; init; } = "automatic";
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
    public string? Description { get; init; }
    public ExternalThreeDSecure? ThreeDSecure { get; init; }
    /// <summary>Without a return URL, payment methods that need a redirect are refused up front (a headless checkout
    /// cannot send a buyer anywhere).</summary>
    public string? ReturnUrl { get; init; }
}

/// <summary>Confirm an existing PaymentIntent again, e.g. after the agent authenticated the buyer (3-D Secure).</summary>
public sealed record PaymentIntentConfirm
{
    public ExternalThreeDSecure? ThreeDSecure { get; init; }
    public string? ReturnUrl { get; init; }
}

public sealed record RefundCreate(string PaymentIntent)
{
    /// <summary>Null refunds everything still refundable.</summary>
    public long? Amount { get; init; }
    /// <summary><c>duplicate</c>, <c>fraudulent</c> or <c>requested_by_customer</c>.</summary>
    public string? Reason { get; init; }
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}
