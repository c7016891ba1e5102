namespace Cmp.Provisioner.Domain;

/// <summary>
/// What the provisioner knows about one Saleor order. A refund or cancellation is recorded here first, so a paid
/// event processed after it (Saleor does not order deliveries) provisions nothing.
/// </summary>
public sealed class OrderState
{
    public required string OrderId { get; set; }
    public string? OrderNumber { get; set; }
    public Guid? TenantId { get; set; }
    public DateTimeOffset? ProvisionedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    /// <summary>The event that revoked it: order_refunded, order_fully_refunded or order_cancelled.</summary>
    public string? RevokedBy { get; set; }
    /// <summary>What the last provisioning did, for people (instances, credits, skipped lines).</summary>
    public string? Summary { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
