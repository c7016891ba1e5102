using Microsoft.EntityFrameworkCore;

namespace Cmp.Messaging.Inbox;

public sealed record Appended(long Id, bool IsNew);

/// <summary>
/// Appends received messages. One statement, committed before the caller acknowledges the delivery: a message is
/// either durably stored (new, or counted as a duplicate of an identical earlier delivery) or the caller answers 5xx
/// and the sender retries.
/// </summary>
public sealed class InboxStore<TContext>(TContext db, TimeProvider clock, InboxSignal signal) where TContext : DbContext
{
    sealed record Row(long Id, bool Inserted);

    public async Task<Appended> AppendAsync(string source, string messageKey, string eventType, string? partitionKey, string payload, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var rows = await db.Database.SqlQuery<Row>($"""
            INSERT INTO inbox_messages (source, message_key, event_type, partition_key, payload, status, attempts, delivery_count, received_at, next_attempt_at)
            VALUES ({source}, {messageKey}, {eventType}, {partitionKey}, {payload}, 'pending', 0, 1, {now}, {now})
            ON CONFLICT (source, message_key) DO UPDATE SET delivery_count = inbox_messages.delivery_count + 1
            RETURNING id AS "Id", (xmax = 0) AS "Inserted"
            """).ToListAsync(ct);
        if (rows[0].Inserted) signal.Pulse();
        return new Appended(rows[0].Id, rows[0].Inserted);
    }
}

/// <summary>Wakes the inbox worker when a new message arrives, so it does not wait for the next poll.</summary>
public sealed class InboxSignal
{
    readonly SemaphoreSlim _signal = new(0, 1);

    public void Pulse()
    {
        if (_signal.CurrentCount > 0) return;
        try { _signal.Release(); }
        catch (SemaphoreFullException) { }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}
