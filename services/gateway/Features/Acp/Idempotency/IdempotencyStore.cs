using System.Text.Json;
using Cmp.Data;
using Cmp.Gateway.Features.Acp.Protocol;
using Cmp.Gateway.Infrastructure.Commerce;
using Cmp.Gateway.Infrastructure.Commerce.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cmp.Gateway.Features.Acp.Idempotency;

/// <summary>What to do with a request carrying an <c>Idempotency-Key</c>.</summary>
public abstract record IdempotencyDecision
{
    /// <summary>The key is ours: run the request, then <see cref="IdempotencyStore.CompleteAsync"/> or
    /// <see cref="IdempotencyStore.AbandonAsync"/>.</summary>
    public sealed record Proceed(long RowId) : IdempotencyDecision;
    /// <summary>The same request finished before: send its response again.</summary>
    public sealed record Replay(AcpResponse Response) : IdempotencyDecision;
    /// <summary>The key was used with another body.</summary>
    public sealed record Conflict : IdempotencyDecision;
    /// <summary>The same request is still running.</summary>
    public sealed record InFlight : IdempotencyDecision;
}

/// <summary>
/// Idempotency keys in PostgreSQL (acp.md §3). The unique index on (caller, route, key) decides races: the first insert
/// owns the key; everyone else reads the row and is told to replay, wait (in flight) or stop (another body). A request
/// that crashed leaves a lease that expires, after which the key can be processed again. Responses of 5xx are never
/// stored (the row is deleted), so a retry after a server fault is processed afresh.
/// </summary>
public sealed class IdempotencyStore(IDbContextFactory<CommerceDbContext> dbs, IOptions<AcpOptions> options, TimeProvider clock)
{
    IdempotencyOptions O => options.Value.Idempotency;

    public async Task<IdempotencyDecision> BeginAsync(string scope, string route, string key, string fingerprint, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var now = clock.GetUtcNow();
            var row = new IdempotencyRow
            {
                Scope = scope, Route = route, Key = key, Fingerprint = fingerprint, State = IdempotencyState.InFlight,
                CreatedAt = now, ExpiresAt = now + O.Retention, LockedUntil = now + O.InFlightLease,
            };
            db.IdempotencyKeys.Add(row);
            try
            {
                await db.SaveChangesAsync(ct);
                return new IdempotencyDecision.Proceed(row.Id);
            }
            catch (DbUpdateException e) when (e.IsUniqueViolation())
            {
                db.ChangeTracker.Clear();
            }

            var existing = await db.IdempotencyKeys.AsNoTracking()
                .SingleOrDefaultAsync(x => x.Scope == scope && x.Route == route && x.Key == key, ct);
            if (existing is null) continue;   // removed between our insert and this read: try again
            if (existing.ExpiresAt <= now)
            {
                // Past retention a reused key is a new request, not an error (ACP 2026-04-17 §6.6).
                await db.IdempotencyKeys.Where(x => x.Id == existing.Id && x.ExpiresAt <= now).ExecuteDeleteAsync(ct);
                continue;
            }
            if (!string.Equals(existing.Fingerprint, fingerprint, StringComparison.Ordinal)) return new IdempotencyDecision.Conflict();
            if (existing.State == IdempotencyState.Completed) return new IdempotencyDecision.Replay(ToResponse(existing));
            if (existing.LockedUntil > now) return new IdempotencyDecision.InFlight();
            // The request holding the key died: take it over, unless someone else just did.
            var taken = await db.IdempotencyKeys
                .Where(x => x.Id == existing.Id && x.State == IdempotencyState.InFlight && x.LockedUntil <= now)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.LockedUntil, now + O.InFlightLease), ct);
            if (taken == 1) return new IdempotencyDecision.Proceed(existing.Id);
        }
        return new IdempotencyDecision.InFlight();
    }

    public async Task CompleteAsync(long rowId, AcpResponse response, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var headers = JsonSerializer.Serialize(response.Headers);
        var now = clock.GetUtcNow();
        await db.IdempotencyKeys.Where(x => x.Id == rowId).ExecuteUpdateAsync(s => s
            .SetProperty(x => x.State, IdempotencyState.Completed)
            .SetProperty(x => x.StatusCode, response.Status)
            .SetProperty(x => x.Headers, headers)
            .SetProperty(x => x.Body, response.Body)
            .SetProperty(x => x.LockedUntil, now), ct);
    }

    /// <summary>Forget the key (the request failed with a 5xx or threw): a retry is processed as new.</summary>
    public async Task AbandonAsync(long rowId)
    {
        await using var db = await dbs.CreateDbContextAsync(CancellationToken.None);
        await db.IdempotencyKeys.Where(x => x.Id == rowId && x.State == IdempotencyState.InFlight).ExecuteDeleteAsync(CancellationToken.None);
    }

    /// <summary>Deletes keys past their retention; returns how many.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        return await db.IdempotencyKeys.Where(x => x.ExpiresAt < now).ExecuteDeleteAsync(ct);
    }

    static AcpResponse ToResponse(IdempotencyRow row)
    {
        var headers = row.Headers is { Length: > 0 } h
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(h) ?? []
            : new Dictionary<string, string>();
        return new AcpResponse(row.StatusCode ?? 200, row.Body ?? [], headers);
    }
}
