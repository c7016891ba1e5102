using Cmp.Gateway.Domain;
using Microsoft.Extensions.Options;

namespace Cmp.Gateway.Features.Runs.Leases;

/// <summary>
/// Settles a closed credit lease: its runs' recorded costs are summed, that total is committed in the ledger (the
/// rest of the reservation is freed), or the reservation is released when the runs cost nothing. Used by the
/// lease's owner once its last run ended, and by the settlement worker for leases whose owner died or could not
/// reach the ledger. Both may repeat it safely: the sum is read from the same records and the ledger calls are
/// idempotent.
/// </summary>
public sealed class LeaseSettlement(LeaseStore store, ReservationCloser closer, TimeProvider clock, RunTelemetry telemetry,
    IOptionsMonitor<RunsOptions> options, ILogger<LeaseSettlement> log)
{
    public static string ReservationKey(Guid leaseId) => $"lease/{leaseId}";

    /// <summary>Settles the lease, or leaves it open for the worker with its next attempt set; true when settled.</summary>
    public async Task<bool> SettleAsync(CreditLease lease, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var charge = await store.ChargesAsync(lease.Id, now, ct);
        var outcome = await closer.CloseAsync(new ReservationCloser.Closing($"lease {lease.Id}", lease.ReservationId, lease.TenantId, null, charge,
            "credit lease closed; its runs cost nothing", ReservationKey(lease.Id) + "/late"), ct);
        lease.CreditsCharged = charge;
        switch (outcome)
        {
            case ReservationCloser.Committed c:
                lease.State = LeaseState.Committed;
                lease.BalanceAfter = c.BalanceAfter;
                telemetry.Charged(charge);
                break;
            case ReservationCloser.Released:
                lease.State = LeaseState.Released;
                break;
            case ReservationCloser.Failed f:
                lease.State = LeaseState.Failed;
                lease.SettlementError = RunSettlement.Trim(f.Reason);
                break;
            case ReservationCloser.Retry r:
                telemetry.SettlementDeferred();
                log.LogWarning("Settling lease {LeaseId} ({Credits} credits) is deferred: {Error}", lease.Id, charge, r.Error);
                lease.CreditsCharged = null;
                lease.SettlementError = RunSettlement.Trim(r.Error.ToString());
                lease.SettleAfter = now + options.CurrentValue.SettlementBackoff(lease.SettlementAttempts);
                await store.SaveDeferredAsync(lease, ct);
                return false;
        }
        lease.SettledAt = now;
        if (lease.State != LeaseState.Failed) lease.SettlementError = null;
        await store.SaveSettledAsync(lease, ct);
        return true;
    }
}
