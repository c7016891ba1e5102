namespace Cmp.Gateway.Infrastructure.Commerce.Entities;

/// <summary>
/// One attempt to charge a session, written before the payment provider is called (the recovery point): a retry after
/// a crash or an unclear failure re-sends the same provider idempotency key instead of charging again, and a charge that
/// succeeded is recorded in Saleor exactly once (<see cref="SaleorTransactionId"/>). At most one attempt per session can
/// be <c>succeeded</c> (a partial unique index).
/// </summary>
public sealed class PaymentAttemptRow
{
    public long Id { get; set; }
    public string SessionId { get; set; } = "";
    public int Number { get; set; }
    public string Provider { get; set; } = "";
    /// <summary>SHA-256 of the payment token (the token itself is a credential and is not stored).</summary>
    public string TokenHash { get; set; } = "";
    public string TokenHint { get; set; } = "";
    public long Amount { get; set; }
    public string Currency { get; set; } = "";
    public string ProviderIdempotencyKey { get; set; } = "";
    public string Status { get; set; } = AttemptStatus.Pending;
    public string? PspReference { get; set; }
    public string? SaleorTransactionId { get; set; }
    public string? FailureCode { get; set; }
    public string? FailureMessage { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public static class AttemptStatus
{
    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
    public const string Declined = "declined";
    public const string RequiresAuthentication = "requires_authentication";
    public const string Failed = "failed";
    public const string Refunded = "refunded";

    public static readonly string[] All = [Pending, Succeeded, Declined, RequiresAuthentication, Failed, Refunded];
}
