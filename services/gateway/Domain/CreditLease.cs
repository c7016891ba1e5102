namespace Cmp.Gateway.Domain;

/// <summary>Where a credit lease is: taking runs (or waiting for its last runs) until it is settled one way or another.</summary>
public enum LeaseState
{
    Open,
    /// <summary>Its runs' total was committed in the ledger (and the rest of the reservation freed).</summary>
    Committed,
    /// <summary>Its runs cost nothing (all failed or were cancelled early): the reservation was released.</summary>
    Released,
    /// <summary>The ledger refused the charge for good (the reservation expired and the account could no longer pay): needs a human.</summary>
    Failed,
}

/// <summary>
/// A block of a tenant's credits one gateway replica reserved in the control plane's ledger and meters runs against
/// locally (<c>Runs:CreditLeases</c>), so a run costs no ledger round trip. Each run under it records its cost with
/// <see cref="RunRecord.LeaseId"/>; the lease is settled by committing the sum of those recorded costs, so every
/// credit charged is backed by a run record. Written when it is reserved, so a replica that dies holding it leaves
/// enough behind for the settlement worker to finish it after <see cref="SettleAfter"/>.
/// </summary>
public sealed class CreditLease
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid ReservationId { get; set; }
    /// <summary>What the reservation held when it was made (it may have been reduced since, when the lease closed).</summary>
    public long CreditsReserved { get; set; }
    public LeaseState State { get; set; }
    /// <summary>The runs' total, once settled.</summary>
    public long? CreditsCharged { get; set; }
    /// <summary>The tenant's balance right after the commit.</summary>
    public long? BalanceAfter { get; set; }
    public DateTimeOffset OpenedAt { get; set; }
    /// <summary>When the settlement worker may settle it: long after its owner would have, had it lived (or its next retry).</summary>
    public DateTimeOffset SettleAfter { get; set; }
    public int SettlementAttempts { get; set; }
    public string? SettlementError { get; set; }
    public DateTimeOffset? SettledAt { get; set; }
}
