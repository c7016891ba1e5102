using Cmp.ControlPlane.Contracts;
using Cmp.Primitives;

namespace Cmp.ControlPlane.Client;

/// <summary>
/// The control plane as the provisioner and the gateway see it. Every state-changing call is idempotent (by the key
/// passed, or by construction), so callers may retry any of them. Failures come back as <see cref="Error"/> values
/// carrying the control plane's problem code.
/// </summary>
public interface IControlPlaneClient
{
    Task<Result<OfferingView>> GetOfferingAsync(string sku, CancellationToken ct);
    Task<Result<TenantView>> ResolveTenantAsync(ResolveTenantRequest request, CancellationToken ct);
    Task<Result<CreditBalance>> GetCreditsAsync(Guid tenantId, CancellationToken ct);
    Task<Result<CreditEntryView>> GrantCreditsAsync(Guid tenantId, GrantRequest request, string idempotencyKey, CancellationToken ct);
    Task<Result<CreditEntryView>> ClawBackAsync(Guid tenantId, ClawBackRequest request, CancellationToken ct);

    Task<Result<InstanceView>> CreateInstanceAsync(CreateInstanceRequest request, string idempotencyKey, CancellationToken ct);
    Task<Result<InstanceView>> GetInstanceAsync(Guid instanceId, CancellationToken ct);
    Task<Result<IReadOnlyList<InstanceView>>> ListOrderInstancesAsync(string orderId, CancellationToken ct);
    Task<Result<InstanceView>> SuspendInstanceAsync(Guid instanceId, SuspendRequest request, CancellationToken ct);

    Task<Result<VerifiedApiKey>> VerifyKeyAsync(string key, CancellationToken ct);
    Task<Result<ReservationView>> ReserveAsync(Guid tenantId, ReserveRequest request, string idempotencyKey, CancellationToken ct);
    Task<Result<ReservationView>> CommitAsync(Guid reservationId, long amount, CancellationToken ct);
    Task<Result<ReservationView>> ReleaseAsync(Guid reservationId, string? reason, CancellationToken ct);
    /// <summary>Lowers an open reservation to <paramref name="amount"/> and frees the rest; it stays open.</summary>
    Task<Result<ReservationView>> ReduceAsync(Guid reservationId, long amount, CancellationToken ct);
    Task<Result<ReservationView>> GetReservationAsync(Guid reservationId, CancellationToken ct);

    /// <summary>As a user (their own Keycloak token): the control plane decides what they may see.</summary>
    Task<Result<TenantView>> GetMyTenantAsync(string userToken, CancellationToken ct);
    Task<Result<InstanceView>> GetInstanceAsUserAsync(Guid instanceId, string userToken, CancellationToken ct);
    Task<Result<IReadOnlyList<InstanceView>>> ListTenantInstancesAsync(Guid tenantId, string? userToken, CancellationToken ct);
}
