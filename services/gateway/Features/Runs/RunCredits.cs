using Cmp.ControlPlane.Client;
using Cmp.ControlPlane.Contracts;
using Cmp.Primitives;
using Microsoft.Extensions.Options;

namespace Cmp.Gateway.Features.Runs;

/// <summary>
/// A run's side of the control plane's credit ledger. Reservations are idempotent by a key derived from the run id,
/// so a retried reserve can never hold credits twice; commit and release are idempotent by reservation.
/// </summary>
public sealed class RunCredits(IControlPlaneClient controlPlane, IOptionsMonitor<RunsOptions> options)
{
    public static string ReservationKey(Guid runId) => $"run/{runId}";

    /// <summary>A second reservation for a run whose first one expired before its charge could be recorded.</summary>
    public static string LateReservationKey(Guid runId) => $"run/{runId}/late";

    /// <summary>
    /// Sets the run's maximum cost aside. Not cancelled by the caller: a reservation made while the caller was
    /// leaving is recorded and released at once, rather than left to expire.
    /// </summary>
    public Task<Result<ReservationView>> ReserveAsync(Guid runId, RunTarget target) =>
        ReserveAsync(ReservationKey(runId), target, target.InstanceId, target.Price.Reserve, options.CurrentValue.ReservationTtl);

    /// <summary>Sets a block of the tenant's credits aside for a credit lease (any of its instances may draw on it).</summary>
    public Task<Result<ReservationView>> ReserveLeaseAsync(string key, RunTarget target, long amount, TimeSpan ttl) =>
        ReserveAsync(key, target, null, amount, ttl);

    async Task<Result<ReservationView>> ReserveAsync(string key, RunTarget target, Guid? instanceId, long amount, TimeSpan ttl)
    {
        var request = new ReserveRequest(amount, instanceId, (int)Math.Ceiling(ttl.TotalSeconds));
        var reserved = await controlPlane.ReserveAsync(target.TenantId, request, key, CancellationToken.None);
        if (reserved.IsSuccess) return reserved;
        var error = reserved.Error;
        return error.Kind switch
        {
            ErrorKind.PaymentRequired => RunErrors.InsufficientCredits(error, target.Price),
            ErrorKind.Transient or ErrorKind.Timeout => RunErrors.ControlPlaneUnavailable(error),
            _ => new Error("ledger_error", $"The credit ledger refused the reservation: {error.Message}", ErrorKind.Upstream).With("cause", error.Code),
        };
    }

    public Task<Result<ReservationView>> CommitAsync(Guid reservationId, long amount, CancellationToken ct) =>
        controlPlane.CommitAsync(reservationId, amount, ct);

    public Task<Result<ReservationView>> ReleaseAsync(Guid reservationId, string reason, CancellationToken ct) =>
        controlPlane.ReleaseAsync(reservationId, reason, ct);

    public Task<Result<ReservationView>> GetAsync(Guid reservationId, CancellationToken ct) =>
        controlPlane.GetReservationAsync(reservationId, ct);

    /// <summary>A reservation for a charge whose own reservation lapsed, committed at once (so a short TTL).</summary>
    public Task<Result<ReservationView>> ReserveLateAsync(string key, Guid tenantId, Guid? instanceId, long amount, CancellationToken ct) =>
        controlPlane.ReserveAsync(tenantId, new ReserveRequest(amount, instanceId, 300), key, ct);

    public Task<Result<ReservationView>> ReduceAsync(Guid reservationId, long amount, CancellationToken ct) =>
        controlPlane.ReduceAsync(reservationId, amount, ct);
}
