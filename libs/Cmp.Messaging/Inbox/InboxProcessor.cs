using Cmp.Primitives;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cmp.Messaging.Inbox;

/// <summary>
/// Processes due inbox messages. Rows are claimed briefly with <c>FOR UPDATE SKIP LOCKED</c> and a lease (so
/// replicas compete safely and a crashed worker's claims come back), handled outside any transaction, and the
/// outcome is recorded with the attempt count and an exponential backoff with jitter. Messages of one partition
/// (one order) are serialised with a PostgreSQL advisory lock held while the handler runs.
/// </summary>
public sealed class InboxProcessor<TContext>(TContext db, IEnumerable<IInboxHandler> handlers, TimeProvider clock,
    IOptions<InboxOptions> options, ILogger<InboxProcessor<TContext>> log) where TContext : DbContext
{
    InboxOptions O => options.Value;

    /// <summary>Handles one batch; returns how many messages it claimed.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var claimed = await db.Database.SqlQuery<long>($"""
            UPDATE inbox_messages SET next_attempt_at = {now + O.Lease}
             WHERE id IN (SELECT id FROM inbox_messages WHERE status = 'pending' AND next_attempt_at <= {now}
                           ORDER BY id LIMIT {O.BatchSize} FOR UPDATE SKIP LOCKED)
            RETURNING id AS "Value"
            """).ToListAsync(ct);
        if (claimed.Count == 0) return 0;
        await db.Database.OpenConnectionAsync(ct);   // advisory locks belong to this connection
        try
        {
            foreach (var id in claimed.Order())
            {
                db.ChangeTracker.Clear();
                await ProcessAsync(id, ct);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        return claimed.Count;
    }

    async Task ProcessAsync(long id, CancellationToken ct)
    {
        var message = await db.Set<InboxMessage>().AsNoTracking().SingleAsync(m => m.Id == id, ct);
        var lockKey = message.PartitionKey;
        if (lockKey is not null && !await TryLockAsync(lockKey, ct))
        {
            // Another worker is on this order right now: come back shortly, without counting an attempt.
            await UpdateAsync(id, m => m.NextAttemptAt = clock.GetUtcNow() + TimeSpan.FromMilliseconds(250), ct);
            return;
        }
        try
        {
            var handler = handlers.FirstOrDefault(h => h.EventTypes.Contains(message.EventType));
            Result<string> result;
            if (handler is null)
                result = Error.NoOp("no_handler", $"No handler for '{message.EventType}'; acknowledged and ignored.");
            else
            {
                try { result = await handler.HandleAsync(message, ct); }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    log.LogError(e, "Inbox message {Id} ({Event}) threw", id, message.EventType);
                    result = Error.Transient("handler_exception", $"{e.GetType().Name}: {e.Message}");
                }
            }
            await RecordAsync(id, result, ct);
        }
        finally
        {
            if (lockKey is not null) await UnlockAsync(lockKey);
        }
    }

    async Task RecordAsync(long id, Result<string> result, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await UpdateAsync(id, m =>
        {
            m.Attempts++;
            if (result.IsSuccess || result.Error.Kind == ErrorKind.NoOp)
            {
                m.Status = InboxStatus.Done;
                m.ProcessedAt = now;
                m.NextAttemptAt = null;
                m.Outcome = Truncate(result.IsSuccess ? result.Value : result.Error.Message);
                m.LastError = null;
                log.LogInformation("Inbox message {Id} ({Event}) done: {Outcome}", m.Id, m.EventType, m.Outcome);
                return;
            }
            var error = result.Error;
            m.LastError = Truncate($"{error.Code}: {error.Message}");
            var retryable = error.Kind is ErrorKind.Transient or ErrorKind.Timeout or ErrorKind.Upstream or ErrorKind.RateLimited;
            if (!retryable || m.Attempts >= O.MaxAttempts)
            {
                m.Status = InboxStatus.Dead;
                m.NextAttemptAt = null;
                log.LogWarning("Inbox message {Id} ({Event}) dead-lettered after {Attempts} attempt(s): {Error}", m.Id, m.EventType, m.Attempts, error);
                return;
            }
            var delay = Backoff(m.Attempts);
            m.NextAttemptAt = now + delay;
            log.LogInformation("Inbox message {Id} ({Event}) failed (attempt {Attempts}), retry in {Delay}: {Error}", m.Id, m.EventType, m.Attempts, delay, error);
        }, ct);
    }

    async Task UpdateAsync(long id, Action<InboxMessage> change, CancellationToken ct)
    {
        var m = await db.Set<InboxMessage>().SingleAsync(x => x.Id == id, ct);
        change(m);
        await db.SaveChangesAsync(ct);
    }

    TimeSpan Backoff(int attempts)
    {
        var exp = O.BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempts - 1, 20));
        var capped = Math.Min(exp, O.MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped / 2 + Random.Shared.NextDouble() * capped / 2);
    }

    async Task<bool> TryLockAsync(string key, CancellationToken ct) =>
        (await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_lock(hashtextextended({key}, 7262702)) AS \"Value\"").ToListAsync(ct))[0];

    Task UnlockAsync(string key) =>
        db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock(hashtextextended({key}, 7262702))", CancellationToken.None);

    static string? Truncate(string? s) => s is { Length: > 2000 } ? s[..2000] : s;
}
