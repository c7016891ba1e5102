namespace Cmp.ControlPlane.Domain;

public enum InstanceStatus
{
    /// <summary>Created; its flow is being imported into Langflow.</summary>
    Provisioning,
    /// <summary>Runnable.</summary>
    Ready,
    /// <summary>Not runnable until resumed (by its owner, the platform team, or after a refund never).</summary>
    Suspended,
    /// <summary>Provisioning gave up after its retries; a platform admin can retry.</summary>
    Failed,
    /// <summary>Deleted: keys revoked, flow removed. Kept for the audit trail.</summary>
    Deleted,
}

/// <summary>Who suspended an instance decides who may resume it.</summary>
public enum SuspendedBy
{
    Tenant,
    Platform,
    /// <summary>The order was refunded or cancelled: never resumed.</summary>
    Refund,
}

/// <summary>One purchased agent: one unit of an agent-plan order line.</summary>
public sealed class Instance
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public required string OfferingSku { get; set; }
    public InstanceStatus Status { get; set; }
    /// <summary>Why the instance is in its status (e.g. the last flow import error), for humans.</summary>
    public string? StatusReason { get; set; }
    public SuspendedBy? SuspendedBy { get; set; }
    /// <summary>The Langflow flow id, fixed at creation so importing the flow is idempotent.</summary>
    public Guid FlowId { get; set; }
    public string? SourceOrderId { get; set; }
    public string? SourceLineId { get; set; }
    public int? SourceUnit { get; set; }
    public required string IdempotencyKey { get; set; }
    public int ProvisioningAttempts { get; set; }
    public DateTimeOffset? NextAttemptAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Optimistic concurrency (PostgreSQL xmin): workers and API calls never overwrite each other.</summary>
    public uint Version { get; set; }

    public bool IsRunnable => Status == InstanceStatus.Ready;
}
