using Cmp.Gateway.Domain;
using Cmp.Primitives;

namespace Cmp.Gateway.Features.Runs;

/// <summary>
/// Ends a finished run's own reservation in the control plane (see <see cref="ReservationCloser"/>) and records
/// where it ended on the run. Used inline right after a run and by the settlement worker for whatever could not be
/// settled then; both paths are safe to repeat. Runs metered against a credit lease are settled with their lease.
/// </summary>
public sealed class RunSettlement(ReservationCloser closer, TimeProvider clock, RunTelemetry telemetry, ILogger<RunSettlement> log)
{
    /// <summary>Outcome of one attempt: Done (the record says where it ended) or Retry later.</summary>
    public enum Attempt { Done, Retry }

    /// <summary>
    /// Settles <paramref name="run"/> and updates its settlement fields; storing them is the caller's business (the
    /// request path batches it, the worker writes at once).
    /// </summary>
    public async Task<Attempt> SettleAsync(RunRecord run, CancellationToken ct)
    {
        if (run.Settlement != SettlementState.Pending || run.ReservationId is not { } reservation) return Attempt.Done;
        var outcome = await closer.CloseAsync(new ReservationCloser.Closing(
            $"run {run.Id}", reservation, run.TenantId, run.InstanceId, run.CreditsCharged, ReleaseReason(run), RunCredits.LateReservationKey(run.Id)), ct);
        switch (outcome)
        {
            case ReservationCloser.Committed c:
                run.ReservationId = c.ReservationId;
                Settled(run, SettlementState.Committed, c.BalanceAfter);
                telemetry.Charged(run.CreditsCharged);
                return Attempt.Done;
            case ReservationCloser.Released:
                Settled(run, SettlementState.Released, null);
                return Attempt.Done;
            case ReservationCloser.Failed f:
                run.Settlement = SettlementState.Failed;
                run.SettlementError = Trim(f.Reason);
                run.NextSettlementAt = null;
                return Attempt.Done;
            default:
                // Left pending; next_settlement_at already says when the worker may try again.
                var error = ((ReservationCloser.Retry)outcome).Error;
                telemetry.SettlementDeferred();
                log.LogWarning("Settling run {RunId} ({Kind}) is deferred: {Error}", run.Id, run.CreditsCharged > 0 ? "commit" : "release", error);
                run.SettlementError = Trim(error.ToString());
                return Attempt.Retry;
        }
    }

    void Settled(RunRecord run, SettlementState state, long? balanceAfter)
    {
        run.Settlement = state;
        run.SettledAt = clock.GetUtcNow();
        run.NextSettlementAt = null;
        run.SettlementError = null;
        if (balanceAfter is not null) run.BalanceAfter = balanceAfter;
    }

    static string ReleaseReason(RunRecord run) => run.Status switch
    {
        RunStatus.Cancelled => "run cancelled by the caller",
        _ => $"run failed: {run.ErrorCode ?? "unknown"}",
    };

    internal static string Trim(string s) => s.Length <= 1000 ? s : s[..1000];
}
