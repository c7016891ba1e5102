namespace Cmp.Gateway.Infrastructure.Commerce.Entities;

/// <summary>
/// An order event for an agent platform (the outbox): written in the same transaction as the session change it reports,
/// delivered later by the outbox worker, which claims rows with a short lease, signs the stored bytes at each attempt
/// and retries with backoff until the platform answers 2xx (or the attempts run out: dead).
/// </summary>
public sealed class OrderEventRow
{
    public long Id { get; set; }
    public string Owner { get; set; } = "";
    public string SessionId { get; set; } = "";
    public string OrderId { get; set; } = "";
    public string EventType { get; set; } = "";
    public string ApiVersion { get; set; } = "";
    /// <summary>The exact body sent on every attempt (the signature covers these bytes).</summary>
    public byte[] Payload { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset? LeaseUntil { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public DateTimeOffset? DeadAt { get; set; }
    public int? LastStatus { get; set; }
    public string? LastError { get; set; }
}
