namespace Cmp.Messaging.Inbox;

public enum InboxStatus
{
    /// <summary>Waiting for (another) attempt at <see cref="InboxMessage.NextAttemptAt"/>.</summary>
    Pending,
    /// <summary>Handled.</summary>
    Done,
    /// <summary>Gave up: too many attempts or a permanent error. Waits for a human to replay it.</summary>
    Dead,
}

/// <summary>
/// One received event, stored exactly as it arrived (the raw body, so a signature can be re-checked and nothing is
/// lost to re-serialisation). Identical deliveries share a row: <see cref="DeliveryCount"/> counts them.
/// </summary>
public sealed class InboxMessage
{
    public long Id { get; set; }
    /// <summary>Where it came from, e.g. "saleor".</summary>
    public required string Source { get; set; }
    /// <summary>Deduplication key within the source (e.g. a hash of event type and body).</summary>
    public required string MessageKey { get; set; }
    public required string EventType { get; set; }
    /// <summary>Messages with the same partition key (e.g. one order) are never processed at the same time.</summary>
    public string? PartitionKey { get; set; }
    public required string Payload { get; set; }
    public InboxStatus Status { get; set; }
    public int Attempts { get; set; }
    public int DeliveryCount { get; set; } = 1;
    public DateTimeOffset ReceivedAt { get; set; }
    /// <summary>When it may next be tried; while a worker holds it, the end of the worker's lease.</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }
    public DateTimeOffset? ProcessedAt { get; set; }
    public string? LastError { get; set; }
    /// <summary>What the handler reported on success (e.g. "2 instances, 1000 credits, 1 line skipped: unknown SKU").</summary>
    public string? Outcome { get; set; }
}
