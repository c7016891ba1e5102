
namespace Cmp.ControlPlane.Features.Credits;

/// <summary>Credits move only through these operations; each is idempotent by its key.</summary>
public sealed record GrantCredits(Guid TenantId, long Amount, string IdempotencyKey, string? OrderId, string? Reason, Guid? InstanceId = null);

public sealed record RefundCredits(Guid TenantId, long Amount, string IdempotencyKey, string? Reason);

public sealed record ReserveCredits(Guid TenantId, long Amount, string IdempotencyKey, Guid? InstanceId, TimeSpan? Ttl);

public sealed record ClawBackOrderCredits(Guid TenantId, string OrderId, string? Reason);
