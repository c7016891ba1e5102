namespace Cmp.Gateway.Features.Acp.Checkout;

// What a caller asks of a session, version-neutral. The wire layer fills in Param: the JSONPath of the field in *its*
// request, so a domain error can point at exactly what the caller sent.

public sealed record ItemInput(string Sku, int Quantity, string Param);

public sealed record AddressInput(
    string Name,
    string LineOne,
    string? LineTwo,
    string City,
    string State,
    string Country,
    string PostalCode,
    string? Company = null,
    string? Phone = null);

public sealed record BuyerInput(string? FirstName, string? LastName, string? FullName, string? Email, string? Phone);

public sealed record CreateSessionCommand(
    IReadOnlyList<ItemInput> Items,
    BuyerInput? Buyer,
    AddressInput? FulfillmentAddress,
    string? Currency,
    IReadOnlyList<string>? AgentInterventions);

/// <summary>Absent members (null) leave the session as it is; <see cref="Items"/> replaces every line.</summary>
public sealed record UpdateSessionCommand(
    IReadOnlyList<ItemInput>? Items,
    BuyerInput? Buyer,
    AddressInput? FulfillmentAddress,
    IReadOnlyList<string>? SelectedOptionIds,
    string SelectedOptionParam);

public sealed record AuthenticationInput(string Outcome, string? Cryptogram, string? ElectronicCommerceIndicator, string? TransactionId, string? Version);

/// <summary>How the buyer pays: a delegated token, and optionally the handler it belongs to (2026-04-17).</summary>
public sealed record PaymentInput(string Token, string? HandlerId, AddressInput? BillingAddress);

public sealed record CompleteSessionCommand(PaymentInput Payment, BuyerInput? Buyer, AuthenticationInput? Authentication);
