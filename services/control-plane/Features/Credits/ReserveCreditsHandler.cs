using Cmp.ControlPlane.Features;
using Cmp.ControlPlane.Domain;
using Cmp.ControlPlane.Infrastructure.Data;
using Cmp.Primitives;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cmp.ControlPlane.Features.Credits;

public sealed class CreditOptions
{
    /// <summary>An uncommitted reservation is released after this long (longer than any run may take).</summary>
    public TimeSpan ReservationTtl { get; set; } = TimeSpan.FromMinutes(15);
    public TimeSpan MaxReservationTtl { get; set; } = TimeSpan.FromHours(2);
    /// <summary>How often expired reservations are looked for.</summary>
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>Sets credits aside for a run before it starts, so concurrent runs can never spend more than the balance.</summary>
sealed class ReserveCreditsHandler(ControlPlaneDbContext db, LedgerWriter ledger, TimeProvider clock, IOptions<CreditOptions> options)
{
    public async Task<Result<ReservationView>> ReserveAsync(ReserveCredits c, CancellationToken ct)
    {
        if (c.Amount <= 0) return CreditErrors.InvalidAmount("A reservation must be for a positive number of credits.");
        var ttl = c.Ttl ?? options.Value.ReservationTtl;
        if (ttl <= TimeSpan.Zero || ttl > options.Value.MaxReservationTtl)
            return CreditErrors.InvalidAmount($"ttl_seconds must be between 1 and {(int)options.Value.MaxReservationTtl.TotalSeconds}.");
        if (!await db.Tenants.AnyAsync(t => t.Id == c.TenantId, ct)) return CreditErrors.TenantNotFound(c.TenantId);

        var reservation = new Reservation
        {
            Id = Guid.CreateVersion7(), TenantId = c.TenantId, InstanceId = c.InstanceId, Amount = c.Amount,
            Status = ReservationStatus.Open, IdempotencyKey = c.IdempotencyKey,
            CreatedAt = clock.GetUtcNow(), ExpiresAt = clock.GetUtcNow() + ttl,
        };
        return await Transactions.IdempotentAsync<ReservationView>(db,
            async () =>
            {
                // The reservation row first: a replayed key fails here before touching the account.
                db.Reservations.Add(reservation);
                await db.SaveChangesAsync(ct);
                var entry = await ledger.ApplyAsync(new CreditEntry
                {
                    TenantId = c.TenantId, Kind = CreditEntryKind.Reserve, Amount = c.Amount, ReservedDelta = c.Amount,
                    IdempotencyKey = reservation.Id.ToString(), ReservationId = reservation.Id, InstanceId = c.InstanceId,
                }, ct);
                if (entry is null) return CreditErrors.Insufficient(c.Amount, await ledger.AccountAsync(c.TenantId, ct));
                return Views.Of(reservation, new CreditAccount { TenantId = c.TenantId, Balance = entry.BalanceAfter, Reserved = entry.ReservedAfter });
            },
            async () =>
            {
                var first = await db.Reservations.AsNoTracking()
                    .SingleOrDefaultAsync(r => r.TenantId == c.TenantId && r.IdempotencyKey == c.IdempotencyKey, ct);
                if (first is null || first.Amount != c.Amount || first.InstanceId != c.InstanceId) return CreditErrors.KeyReused(c.IdempotencyKey);
                return Views.Of(first, await ledger.AccountAsync(c.TenantId, ct));
            },
            ct);
    }
}
