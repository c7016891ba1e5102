using Cmp.Primitives;

namespace Cmp.Messaging.Inbox;

/// <summary>
/// Handles one kind of inbox message. Delivery is at least once, so handlers must be idempotent. Return a value to
/// record as the outcome; an <see cref="Error"/> of kind Transient/Timeout/Upstream/RateLimited is retried with
/// backoff, NoOp counts as done, anything else dead-letters the message at once with the error as the reason.
/// </summary>
public interface IInboxHandler
{
    /// <summary>The event types this handler takes (e.g. "order_fully_paid").</summary>
    IReadOnlyCollection<string> EventTypes { get; }

    Task<Result<string>> HandleAsync(InboxMessage message, CancellationToken ct);
}
