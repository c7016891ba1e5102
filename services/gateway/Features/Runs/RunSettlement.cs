using Cmp.ControlPlane.Contracts;
using Cmp.Gateway.Domain;
using Cmp.Primitives;

namespace Cmp.Gateway.Features.Runs;

/// <summary>
/// Ends a finished run's reservation in the control plane: commit the run's cost, or release it all. Used inline
/// right after a run and by the settlement worker for whatever could not be settled then; both paths are safe to
/// repeat because commit and release are idempotent by reservation. If the reservation expired before its cost
/// could be committed (the control plane was unreachable for longer than the reservation's TTL), the cost is charged
/// through a new reservation, so a completed run is never free by accident.
/// </summary>
public sealed class RunSettlement(RunCredits credits, TimeProvider clock, RunTelemetry telemetry, ILogger<RunSettlement> log)
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
        var result = run.CreditsCharged > 0
            ? await credits.CommitAsync(reservation, run.CreditsCharged, ct)
            : await credits.ReleaseAsync(reservation, ReleaseReason(run), ct);

        if (result.TryGetValue(out var settled, out var error))
        {
            Settled(run, run.CreditsCharged > 0 ? SettlementState.Committed : SettlementState.Released, settled);
        }
        else if (error.Code == "reservation_settled")
        {
            // Settled already, by us (a repeat with a lost answer cannot differ) or by the ledger's expiry: ask which.
            var current = await credits.GetAsync(reservation, ct);
            if (!current.TryGetValue(out var view, out var lookupError)) return Deferred(run, lookupError);
            if (view.Status == "committed")
            {
                if (run.CreditsCharged == 0 || view.CommittedAmount != run.CreditsCharged)
                    log.LogError("Reservation {Reservation} of run {RunId} was committed with {Committed} credits, not {Expected}",
                        reservation, run.Id, view.CommittedAmount, run.CreditsCharged);
                Settled(run, SettlementState.Committed, null);   // its balance now is not the balance right after this run
            }
            else if (run.CreditsCharged == 0) Settled(run, SettlementState.Released, null);
            else if (await ChargeLateAsync(run, ct) == Attempt.Retry) return Deferred(run, error);
        }
        else if (error.Kind is ErrorKind.Transient or ErrorKind.Timeout or ErrorKind.RateLimited)
        {
            return Deferred(run, error);
        }
        else
        {
            // The ledger refused for good (reservation unknown, an amount it will not take): a human must look.
            log.LogError("Settling run {RunId} failed for good: {Error}", run.Id, error);
            run.Settlement = SettlementState.Failed;
            run.SettlementError = Trim(error.ToString());
            run.NextSettlementAt = null;
        }
        if (run.Settlement == SettlementState.Committed) telemetry.Charged(run.CreditsCharged);
        return Attempt.Done;
    }

    /// <summary>The original reservation lapsed: charge the completed run through a fresh one (idempotent by run).</summary>
    async Task<Attempt> ChargeLateAsync(RunRecord run, CancellationToken ct)
    {
        var late = await credits.ReserveLateAsync(run.Id, run.TenantId, run.InstanceId, run.CreditsCharged, ct);
        if (!late.TryGetValue(out var reservation, out var error))
        {
            if (error.Kind is ErrorKind.Transient or ErrorKind.Timeout) return Attempt.Retry;
            log.LogError("Run {RunId}: its reservation expired and {Credits} credits could not be charged: {Error}", run.Id, run.CreditsCharged, error);
            run.Settlement = SettlementState.Failed;
            run.SettlementError = Trim($"reservation expired before commit; late charge refused: {error}");
            run.NextSettlementAt = null;
            return Attempt.Done;
        }
        var committed = await credits.CommitAsync(reservation.Id, run.CreditsCharged, ct);
        if (!committed.TryGetValue(out var view, out var commitError)) return commitError.Kind is ErrorKind.Transient or ErrorKind.Timeout ? Attempt.Retry : Fail(commitError);
        log.LogWarning("Run {RunId}: its reservation expired before commit; charged {Credits} credits through reservation {Reservation}",
            run.Id, run.CreditsCharged, reservation.Id);
        run.ReservationId = reservation.Id;
        Settled(run, SettlementState.Committed, view);
        return Attempt.Done;

        Attempt Fail(Error e)
        {
            run.Settlement = SettlementState.Failed;
            run.SettlementError = Trim($"late charge could not be committed: {e}");
            run.NextSettlementAt = null;
            return Attempt.Done;
        }
    }

    /// <summary>Left pending; <c>next_settlement_at</c> already says when the worker may try again.</summary>
    Attempt Deferred(RunRecord run, Error error)
    {
        telemetry.SettlementDeferred();
        log.LogWarning("Settling run {RunId} ({Kind}) is deferred: {Error}", run.Id, run.CreditsCharged > 0 ? "commit" : "release", error);
        run.SettlementError = Trim(error.ToString());
        return Attempt.Retry;
    }

    void Settled(RunRecord run, SettlementState state, ReservationView? view)
    {
        run.Settlement = state;
        run.SettledAt = clock.GetUtcNow();
        run.NextSettlementAt = null;
        run.SettlementError = null;
        if (view is not null && state == SettlementState.Committed) run.BalanceAfter = view.Balance;
    }

    static string ReleaseReason(RunRecord run) => run.Status switch
    {
        RunStatus.Cancelled => "run cancelled by the caller",
        _ => $"run failed: {run.ErrorCode ?? "unknown"}",
    };

    static string Trim(string s) => s.Length <= 1000 ? s : s[..1000];
}
