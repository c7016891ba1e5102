namespace Cmp.Gateway.Domain;

/// <summary>Where a run is. A run is created <see cref="Running"/> once its credits are reserved and ends in one of the others.</summary>
public enum RunStatus
{
    Running,
    Succeeded,
    Failed,
    /// <summary>The caller went away (disconnected, or cancelled the in-process call) before the run ended.</summary>
    Cancelled,
}

/// <summary>Where the run's reservation is in the control plane's ledger.</summary>
public enum SettlementState
{
    /// <summary>Nothing to settle: the run was free, or it never got a reservation.</summary>
    None,
    /// <summary>Reserved; to be committed (<see cref="RunRecord.CreditsCharged"/> &gt; 0) or released once the run ends.</summary>
    Pending,
    Committed,
    Released,
    /// <summary>The charge could not be recorded (the reservation expired and the account could no longer pay): needs a human.</summary>
    Failed,
}

/// <summary>
/// One metered run, as the gateway records it. The record is written when the run starts and again, with its
/// outcome and cost, <em>before</em> the control plane is asked to settle, so a settlement that fails (or a crash)
/// can be finished later from this row alone.
/// </summary>
public sealed class RunRecord
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid InstanceId { get; set; }
    public CallerKind CallerKind { get; set; }
    public required string CallerId { get; set; }
    public RunStatus Status { get; set; }
    public bool Stream { get; set; }
    public string? SessionId { get; set; }

    /// <summary>The run's own reservation; null when it is free or metered against a <see cref="LeaseId">credit lease</see>.</summary>
    public Guid? ReservationId { get; set; }
    /// <summary>The credit lease the run drew on (<c>Runs:CreditLeases</c>): its cost is committed with the lease's.</summary>
    public Guid? LeaseId { get; set; }
    public long CreditsReserved { get; set; }
    /// <summary>The cost by the price rule; what is (or will be) committed. 0 for failed runs.</summary>
    public long CreditsCharged { get; set; }
    public long InputTokens { get; set; }
    public long OutputTokens { get; set; }
    public long? LatencyMs { get; set; }
    public string? ErrorCode { get; set; }

    public SettlementState Settlement { get; set; }
    public int SettlementAttempts { get; set; }
    public DateTimeOffset? NextSettlementAt { get; set; }
    public string? SettlementError { get; set; }
    /// <summary>The tenant's balance right after this run's commit, when the commit answered.</summary>
    public long? BalanceAfter { get; set; }

    /// <summary>The caller's <c>Idempotency-Key</c>, unique per tenant: a repeat gets this run's outcome, not a new run.</summary>
    public string? IdempotencyKey { get; set; }
    /// <summary>SHA-256 of the request a key was first used with (a different request under the same key is refused).</summary>
    public string? RequestHash { get; set; }
    /// <summary>What a repeat of a keyed request is answered with (JSON: the reply and session, or the error).</summary>
    public string? Outcome { get; set; }

    public string? CorrelationId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public DateTimeOffset? SettledAt { get; set; }

    public bool IsFinished => Status != RunStatus.Running;

    /// <summary>A copy to write while the original keeps changing (the outcome is stored while the charge is settled).</summary>
    public RunRecord Snapshot() => (RunRecord)MemberwiseClone();
}
