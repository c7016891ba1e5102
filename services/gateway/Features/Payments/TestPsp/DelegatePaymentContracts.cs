namespace Cmp.Gateway.Features.Payments.TestPsp;

// DelegatePaymentRequest of ACP's delegate_payment API (same members in 2025-09-29 and 2026-04-17). Read strictly:
// the schema sets additionalProperties: false everywhere.

public sealed record DelegatePaymentRequest(
    PaymentMethodCard? PaymentMethod,
    Allowance? Allowance,
    DelegateAddress? BillingAddress,
    IReadOnlyList<RiskSignal>? RiskSignals,
    IReadOnlyDictionary<string, string>? Metadata);

public sealed record PaymentMethodCard(
    string? Type,
    string? CardNumberType,
    string? Number,
    string? ExpMonth,
    string? ExpYear,
    string? Name,
    string? Cvc,
    string? Cryptogram,
    string? EciValue,
    IReadOnlyList<string>? ChecksPerformed,
    string? Iin,
    string? DisplayCardFundingType,
    string? DisplayWalletType,
    string? DisplayBrand,
    string? DisplayLast4,
    IReadOnlyDictionary<string, string>? Metadata,
    bool? Virtual);

public sealed record Allowance(
    string? Reason,
    long? MaxAmount,
    string? Currency,
    string? CheckoutSessionId,
    string? MerchantId,
    DateTimeOffset? ExpiresAt);

public sealed record DelegateAddress(
    string? Name,
    string? LineOne,
    string? LineTwo,
    string? City,
    string? State,
    string? Country,
    string? PostalCode);

public sealed record RiskSignal(string? Type, long? Score, string? Action);

public sealed record DelegatePaymentResponse(string Id, DateTimeOffset Created, IReadOnlyDictionary<string, string> Metadata);
