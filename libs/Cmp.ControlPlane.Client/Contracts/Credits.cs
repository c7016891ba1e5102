namespace Cmp.ControlPlane.Contracts;

public sealed record CreditBalance(Guid TenantId, long Balance, long Reserved, long Available);

/// <summary>One ledger line. <see cref="Kind"/>: grant | reserve | commit | release | refund | clawback.</summary>
public sealed record CreditEntryView(long Id, Guid TenantId, string Kind, long Amount, long BalanceAfter, long AvailableAfter,
    Guid? ReservationId, Guid? InstanceId, string? OrderId, long Shortfall, string? Reason, DateTimeOffset CreatedAt);

/// <summary>Newest first; pass <see cref="NextCursor"/> back as <c>?before=</c>.</summary>
public sealed record EntryPage(IReadOnlyList<CreditEntryView> Items, long? NextCursor);

/// <summary><see cref="Status"/>: open | committed | released | expired. Balance and available are the account's after this operation.</summary>
public sealed record ReservationView(Guid Id, Guid TenantId, Guid? InstanceId, long Amount, string Status, long? CommittedAmount,
    DateTimeOffset ExpiresAt, DateTimeOffset CreatedAt, DateTimeOffset? SettledAt, long Balance, long Available);

public sealed record GrantRequest(long Amount, string? OrderId = null, string? Reason = null);

public sealed record RefundRequest(long Amount, string? Reason = null);

public sealed record ClawBackRequest(string OrderId, string? Reason = null);

public sealed record ReserveRequest(long Amount, Guid? InstanceId = null, int? TtlSeconds = null);

public sealed record CommitRequest(long Amount);

public sealed record ReleaseRequest(string? Reason = null);

public sealed record ReduceRequest(long Amount);
