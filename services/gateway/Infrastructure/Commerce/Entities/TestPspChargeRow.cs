namespace Cmp.Gateway.Infrastructure.Commerce.Entities;

/// <summary>A charge made by the built-in test PSP against a vault token; the idempotency key is unique, so a retried
/// charge finds the first one instead of charging again.</summary>
public sealed class TestPspChargeRow
{
    public string Id { get; set; } = "";
    public string IdempotencyKey { get; set; } = "";
    public string TokenHash { get; set; } = "";
    public long Amount { get; set; }
    public string Currency { get; set; } = "";
    public string CheckoutSessionId { get; set; } = "";
    public string Status { get; set; } = "";
    public long RefundedAmount { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public static class TestChargeStatus
{
    public const string Succeeded = "succeeded";
    public const string RequiresAuthentication = "requires_authentication";
    public const string Declined = "declined";
    public const string Refunded = "refunded";
}
