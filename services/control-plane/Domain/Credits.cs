namespace Cmp.ControlPlane.Domain;

/// <summary>A tenant's credits. <see cref="Available"/> = balance − open reservations; neither may go negative,
/// which the database enforces with check constraints as well as the conditional updates that change them.</summary>
public sealed class CreditAccount
{
    public Guid TenantId { get; set; }
    public long Balance { get; set; }
    public long Reserved { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public long Available => Balance - Reserved;
}

public enum CreditEntryKind
{
    /// <summary>Credits bought (credit pack) or included with an agent plan.</summary>
    Grant,
    /// <summary>Credits set aside for a run in progress (balance unchanged, available reduced).</summary>
    Reserve,
    /// <summary>A run's actual cost taken from the balance; the rest of its reservation is freed.</summary>
    Commit,
    /// <summary>A reservation freed without charge (run failed, cancelled, or expired).</summary>
    Release,
    /// <summary>Credits given back to the tenant (goodwill, a wrong charge).</summary>
    Refund,
    /// <summary>Unspent credits taken back after the order that granted them was refunded or cancelled.</summary>
    Clawback,
}

/// <summary>One line of the append-only ledger. Each has a unique idempotency key per kind, so a repeated call
/// finds its first entry instead of writing a second.</summary>
public sealed class CreditEntry
{
    public long Id { get; set; }
    public Guid TenantId { get; set; }
    public CreditEntryKind Kind { get; set; }
    /// <summary>The magnitude of the operation (always ≥ 0).</summary>
    public long Amount { get; set; }
    public long BalanceDelta { get; set; }
    public long ReservedDelta { get; set; }
    public long BalanceAfter { get; set; }
    public long ReservedAfter { get; set; }
    public required string IdempotencyKey { get; set; }
    public Guid? ReservationId { get; set; }
    public Guid? InstanceId { get; set; }
    public string? OrderId { get; set; }
    /// <summary>Clawbacks: credits that could not be taken back because they were already spent or reserved.</summary>
    public long Shortfall { get; set; }
    public string? Reason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public enum ReservationStatus
{
    Open,
    Committed,
    Released,
    Expired,
}

/// <summary>Credits held for one run. Exactly one of commit, release or expiry settles it.</summary>
public sealed class Reservation
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid? InstanceId { get; set; }
    public long Amount { get; set; }
    public ReservationStatus Status { get; set; }
    public long? CommittedAmount { get; set; }
    public required string IdempotencyKey { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SettledAt { get; set; }
}
