using Cmp.ControlPlane.Domain;

namespace Cmp.ControlPlane.Features.Credits;

public sealed record CreditBalance(Guid TenantId, long Balance, long Reserved, long Available)
{
    public static CreditBalance Of(Guid tenantId, CreditAccount? a) => new(tenantId, a?.Balance ?? 0, a?.Reserved ?? 0, a?.Available ?? 0);
}

public sealed record CreditEntryView(long Id, Guid TenantId, string Kind, long Amount, long BalanceAfter, long AvailableAfter,
    Guid? ReservationId, Guid? InstanceId, string? OrderId, long Shortfall, string? Reason, DateTimeOffset CreatedAt)
{
    public static CreditEntryView Of(CreditEntry e) => new(e.Id, e.TenantId, e.Kind.ToString().ToLowerInvariant(), e.Amount,
        e.BalanceAfter, e.BalanceAfter - e.ReservedAfter, e.ReservationId, e.InstanceId, e.OrderId, e.Shortfall, e.Reason, e.CreatedAt);
}

public sealed record ReservationView(Guid Id, Guid TenantId, Guid? InstanceId, long Amount, string Status, long? CommittedAmount,
    DateTimeOffset ExpiresAt, DateTimeOffset CreatedAt, DateTimeOffset? SettledAt, long Balance, long Available)
{
    public static ReservationView Of(Reservation r, CreditAccount? a) => new(r.Id, r.TenantId, r.InstanceId, r.Amount,
        r.Status.ToString().ToLowerInvariant(), r.CommittedAmount, r.ExpiresAt, r.CreatedAt, r.SettledAt, a?.Balance ?? 0, a?.Available ?? 0);
}

/// <summary>Credits move only through these operations; each is idempotent by its key.</summary>
public sealed record GrantCredits(Guid TenantId, long Amount, string IdempotencyKey, string? OrderId, string? Reason, Guid? InstanceId = null);

public sealed record RefundCredits(Guid TenantId, long Amount, string IdempotencyKey, string? Reason);

public sealed record ReserveCredits(Guid TenantId, long Amount, string IdempotencyKey, Guid? InstanceId, TimeSpan? Ttl);

public sealed record ClawBackOrderCredits(Guid TenantId, string OrderId, string? Reason);
