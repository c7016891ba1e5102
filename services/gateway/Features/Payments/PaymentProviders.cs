using Cmp.Gateway.Features.Acp.Checkout;
using Cmp.Primitives;

namespace Cmp.Gateway.Features.Payments;

/// <summary>An issuer authentication the agent ran (3-D Secure), passed on to the provider.</summary>
public sealed record ThreeDsResult(string Outcome, string? Cryptogram, string? ElectronicCommerceIndicator, string? TransactionId, string? Version)
{
    /// <summary>Outcomes with which a charge may go ahead (ACP AuthenticationResult: these require outcome_details).</summary>
    public bool Authenticated => Outcome is "authenticated" or "attempt_acknowledged" or "informational";
}

/// <summary>One charge of one checkout session. <see cref="IdempotencyKey"/> is the payment attempt's key: sending
/// the same request with it again never charges twice.</summary>
public sealed record ChargeRequest(
    string SessionId,
    Money Amount,
    string Token,
    string IdempotencyKey,
    string MerchantId,
    string? ExistingReference,
    ThreeDsResult? Authentication);

public abstract record ChargeOutcome
{
    /// <summary>Money was captured (or authorised for capture); <paramref name="PspReference"/> identifies it at the PSP.</summary>
    public sealed record Succeeded(string PspReference) : ChargeOutcome;

    /// <summary>The PSP or the token's allowance refused; nothing was charged. A new attempt needs another credential.</summary>
    public sealed record Declined(string Code, string Message) : ChargeOutcome;

    /// <summary>The issuer wants 3-D Secure; the charge continues from <paramref name="PspReference"/> once authenticated.</summary>
    public sealed record RequiresAuthentication(string PspReference, AuthenticationChallenge Challenge) : ChargeOutcome;

    /// <summary>The outcome is unknown or the PSP failed (timeout, outage, misconfiguration): retry with the same key.</summary>
    public sealed record Failed(Error Error) : ChargeOutcome;
}

/// <summary>A payment handler as ACP 2026-04-17 advertises it (<c>capabilities.payment.handlers[]</c>).</summary>
public sealed record PaymentHandlerDescriptor(
    string Id,
    string Name,
    string DisplayName,
    string Version,
    string Spec,
    bool RequiresDelegatePayment,
    bool RequiresPciCompliance,
    string Psp,
    string ConfigSchema,
    IReadOnlyList<string> InstrumentSchemas,
    IReadOnlyDictionary<string, object> Config);

/// <summary>
/// A payment service provider that can charge a delegated credential. Implementations: the built-in test PSP (vault
/// tokens <c>vt_…</c>) and Stripe (shared payment tokens <c>spt_…</c>). Every call is idempotent by the key given.
/// </summary>
public interface IPaymentProvider
{
    /// <summary>Stable id, stored with each payment attempt (<c>test_psp</c>, <c>stripe</c>).</summary>
    string Id { get; }

    /// <summary>The handler id agents name in <c>payment_data.handler_id</c> (2026-04-17).</summary>
    string HandlerId { get; }

    /// <summary>True for the credentials this provider understands (decided by token prefix).</summary>
    bool Accepts(string token);

    PaymentHandlerDescriptor Describe(Uri publicBase);

    Task<ChargeOutcome> ChargeAsync(ChargeRequest request, CancellationToken ct);

    /// <summary>Gives the money back (the order could not be placed after all).</summary>
    Task<Result<Unit>> RefundAsync(string pspReference, Money amount, string idempotencyKey, CancellationToken ct);

    /// <summary>Releases an authorisation that will not be used (3-D Secure abandoned or refused).</summary>
    Task CancelAsync(string pspReference, string idempotencyKey, CancellationToken ct);
}

/// <summary>The enabled providers; picks the one for a credential.</summary>
public sealed class PaymentProviders(IEnumerable<IPaymentProvider> providers)
{
    public IReadOnlyList<IPaymentProvider> All { get; } = providers.ToArray();

    public IPaymentProvider? ForToken(string token) => All.FirstOrDefault(p => p.Accepts(token));

    public IPaymentProvider? ById(string id) => All.FirstOrDefault(p => p.Id == id);

    public IPaymentProvider? ForHandler(string handlerId) => All.FirstOrDefault(p => p.HandlerId == handlerId);
}
