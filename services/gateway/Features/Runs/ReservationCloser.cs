using Cmp.Primitives;

namespace Cmp.Gateway.Features.Runs;

/// <summary>
/// The ledger conversation that ends one reservation, for a run's own reservation and a credit lease alike: commit
/// the charge (or release it all when there is none), and make sense of a reservation that was settled already (a
/// repeat whose answer was lost, or the ledger's expiry). A charge whose reservation expired first is made through a
/// new reservation under <see cref="Closing.LateKey"/>, so a completed run is never free by accident. Safe to repeat:
/// commit, release and the late reservation are all idempotent.
/// </summary>
public sealed class ReservationCloser(RunCredits credits, ILogger<ReservationCloser> log)
{
    /// <summary>What to close. <paramref name="What"/> names it in logs ("run …", "lease …").</summary>
    public sealed record Closing(string What, Guid ReservationId, Guid TenantId, Guid? InstanceId, long Charge, string ReleaseReason, string LateKey);

    public abstract record Outcome;
    /// <summary>Charged, through <paramref name="ReservationId"/> (a new one when charged late); the balance after, when known.</summary>
    public sealed record Committed(Guid ReservationId, long? BalanceAfter) : Outcome;
    public sealed record Released : Outcome;
    /// <summary>The ledger could not be reached or is busy: try again later.</summary>
    public sealed record Retry(Error Error) : Outcome;
    /// <summary>The ledger refused for good: a human must look.</summary>
    public sealed record Failed(string Reason) : Outcome;

    public async Task<Outcome> CloseAsync(Closing c, CancellationToken ct)
    {
        var result = c.Charge > 0
            ? await credits.CommitAsync(c.ReservationId, c.Charge, ct)
            : await credits.ReleaseAsync(c.ReservationId, c.ReleaseReason, ct);
        if (result.TryGetValue(out var settled, out var error))
            return c.Charge > 0 ? new Committed(c.ReservationId, settled.Balance) : new Released();
        if (IsTransient(error) || error.Kind == ErrorKind.RateLimited) return new Retry(error);
        if (error.Code != "reservation_settled")
        {
            log.LogError("Settling {What} failed for good: {Error}", c.What, error);
            return new Failed(error.ToString());
        }

        // Settled already, by us (a repeat with a lost answer cannot differ) or by the ledger's expiry: ask which.
        var current = await credits.GetAsync(c.ReservationId, ct);
        if (!current.TryGetValue(out var view, out var lookupError)) return new Retry(lookupError);
        if (view.Status == "committed")
        {
            if (c.Charge == 0 || view.CommittedAmount != c.Charge)
                log.LogError("Reservation {Reservation} of {What} was committed with {Committed} credits, not {Expected}",
                    c.ReservationId, c.What, view.CommittedAmount, c.Charge);
            return new Committed(c.ReservationId, null);   // its balance now is not the balance right after this commit
        }
        return c.Charge == 0 ? new Released() : await ChargeLateAsync(c, error, ct);
    }

    /// <summary>The reservation lapsed before its charge was committed: charge it through a fresh one.</summary>
    async Task<Outcome> ChargeLateAsync(Closing c, Error lapsed, CancellationToken ct)
    {
        var late = await credits.ReserveLateAsync(c.LateKey, c.TenantId, c.InstanceId, c.Charge, ct);
        if (!late.TryGetValue(out var reservation, out var error))
        {
            if (IsTransient(error)) return new Retry(lapsed);
            log.LogError("{What}: its reservation expired and {Credits} credits could not be charged: {Error}", c.What, c.Charge, error);
            return new Failed($"reservation expired before commit; late charge refused: {error}");
        }
        var committed = await credits.CommitAsync(reservation.Id, c.Charge, ct);
        if (!committed.TryGetValue(out var view, out var commitError))
            return IsTransient(commitError) ? new Retry(lapsed) : new Failed($"late charge could not be committed: {commitError}");
        log.LogWarning("{What}: its reservation expired before commit; charged {Credits} credits through reservation {Reservation}",
            c.What, c.Charge, reservation.Id);
        return new Committed(reservation.Id, view.Balance);
    }

    static bool IsTransient(Error e) => e.Kind is ErrorKind.Transient or ErrorKind.Timeout;
}
