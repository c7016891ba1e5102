using Cmp.ControlPlane.Features;
using Cmp.ControlPlane.Domain;
using Cmp.ControlPlane.Infrastructure.Data;
using Cmp.Primitives;
using Microsoft.EntityFrameworkCore;

namespace Cmp.ControlPlane.Features.Credits;

/// <summary>
/// Ends a reservation exactly once: commit charges the run's actual cost (at most the reserved amount) and frees the
/// rest; release frees it all (run failed or cancelled); expiry releases reservations nobody settled. Repeating the
/// same settlement returns the first result; a different one is a conflict.
/// </summary>
sealed class SettleReservationHandler(ControlPlaneDbContext db, LedgerWriter ledger, TimeProvider clock)
{
    public Task<Result<ReservationView>> CommitAsync(Guid reservationId, long amount, CancellationToken ct) =>
        SettleAsync(reservationId, ReservationStatus.Committed, amount, null, ct);

    public Task<Result<ReservationView>> ReleaseAsync(Guid reservationId, string? reason, CancellationToken ct) =>
        SettleAsync(reservationId, ReservationStatus.Released, 0, reason, ct);

    /// <summary>
    /// Lowers an open reservation to <paramref name="amount"/> credits and frees the rest at once, leaving it open: a
    /// credit lease that stops taking new runs hands back what its runs in flight cannot use. Stated as the amount to
    /// keep, so a repeat changes nothing; raising a reservation is refused (that is a new reservation).
    /// </summary>
    public async Task<Result<ReservationView>> ReduceAsync(Guid id, long amount, CancellationToken ct)
    {
        if (amount < 0) return CreditErrors.InvalidAmount("A reservation cannot be reduced below 0 credits.");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var r = await db.Reservations.FromSql($"SELECT * FROM reservations WHERE id = {id} FOR UPDATE").SingleOrDefaultAsync(ct);
        if (r is null) return CreditErrors.ReservationNotFound(id);
        if (r.Status != ReservationStatus.Open) return CreditErrors.AlreadySettled(r);
        if (amount > r.Amount)
            return CreditErrors.InvalidAmount($"Cannot raise reservation {r.Id} from {r.Amount} to {amount} credits; reserve more instead.");
        if (amount == r.Amount) return Views.Of(r, await ledger.AccountAsync(r.TenantId, ct));
        var entry = await ledger.ApplyAsync(new CreditEntry
        {
            TenantId = r.TenantId, Kind = CreditEntryKind.Release, Amount = r.Amount - amount, ReservedDelta = amount - r.Amount,
            IdempotencyKey = $"{r.Id}/reduce/{amount}", ReservationId = r.Id, InstanceId = r.InstanceId,
            Reason = $"reservation reduced to {amount}",
        }, ct);
        if (entry is null) return Error.Permanent("ledger_refused", $"The account refused to reduce reservation {r.Id}; this is a bug.");
        r.Amount = amount;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Views.Of(r, new CreditAccount { TenantId = r.TenantId, Balance = entry.BalanceAfter, Reserved = entry.ReservedAfter });
    }

    /// <summary>Releases open reservations past their expiry; returns how many it settled.</summary>
    public async Task<int> ExpireDueAsync(int batch, CancellationToken ct)
    {
        var due = await db.Reservations.AsNoTracking()
            .Where(r => r.Status == ReservationStatus.Open && r.ExpiresAt <= clock.GetUtcNow())
            .OrderBy(r => r.ExpiresAt).Select(r => r.Id).Take(batch).ToListAsync(ct);
        var settled = 0;
        foreach (var id in due)
            if ((await SettleAsync(id, ReservationStatus.Expired, 0, "expired: never committed", ct)).IsSuccess) settled++;
        return settled;
    }

    async Task<Result<ReservationView>> SettleAsync(Guid id, ReservationStatus target, long amount, string? reason, CancellationToken ct)
    {
        if (amount < 0) return CreditErrors.InvalidAmount("A committed amount cannot be negative.");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Lock the reservation: a concurrent commit and release of the same run serialise here.
        var r = await db.Reservations.FromSql($"SELECT * FROM reservations WHERE id = {id} FOR UPDATE").SingleOrDefaultAsync(ct);
        if (r is null) return CreditErrors.ReservationNotFound(id);
        if (r.Status != ReservationStatus.Open)
        {
            var same = r.Status == target && (target != ReservationStatus.Committed || r.CommittedAmount == amount);
            return same ? Views.Of(r, await ledger.AccountAsync(r.TenantId, ct)) : CreditErrors.AlreadySettled(r);
        }
        if (amount > r.Amount)
            return CreditErrors.InvalidAmount($"Cannot commit {amount} credits: the reservation holds {r.Amount}.");

        var commit = target == ReservationStatus.Committed;
        var entry = await ledger.ApplyAsync(new CreditEntry
        {
            TenantId = r.TenantId,
            Kind = commit ? CreditEntryKind.Commit : CreditEntryKind.Release,
            Amount = commit ? amount : r.Amount,
            BalanceDelta = commit ? -amount : 0,
            ReservedDelta = -r.Amount,
            IdempotencyKey = r.Id.ToString(),
            ReservationId = r.Id,
            InstanceId = r.InstanceId,
            Reason = reason,
        }, ct);
        if (entry is null) return Error.Permanent("ledger_refused", $"The account refused to settle reservation {r.Id}; this is a bug.");
        r.Status = target;
        r.CommittedAmount = commit ? amount : null;
        r.SettledAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Views.Of(r, new CreditAccount { TenantId = r.TenantId, Balance = entry.BalanceAfter, Reserved = entry.ReservedAfter });
    }
}
