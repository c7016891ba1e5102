using Cmp.Hosting.Auth;
using Cmp.Hosting.Problems;
using Cmp.Primitives;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Cmp.Messaging.Inbox;

public sealed record InboxItem(long Id, string Source, string EventType, string? PartitionKey, string Status, int Attempts,
    int DeliveryCount, DateTimeOffset ReceivedAt, DateTimeOffset? NextAttemptAt, DateTimeOffset? ProcessedAt, string? LastError,
    string? Outcome, string? Payload);

public sealed record InboxPage(IReadOnlyList<InboxItem> Items, long? NextCursor);

/// <summary>The DbContext that holds the inbox table, for code that is not generic over it.</summary>
public sealed class InboxDb(DbContext context)
{
    public DbContext Context => context;
    public DbSet<InboxMessage> Messages => context.Set<InboxMessage>();
}

/// <summary>Platform admins see the inbox, find dead letters with their last error, and replay them.</summary>
public static class InboxAdminApi
{
    public static RouteGroupBuilder MapInboxAdminApi(this IEndpointRouteBuilder app, string prefix = "/v1/inbox")
    {
        var g = app.MapGroup(prefix).WithTags("Inbox").RequireAuthorization(Policies.PlatformAdmin);
        g.MapGet("/", List);
        g.MapGet("/{id:long}", Get);
        g.MapPost("/{id:long}/replay", Replay);
        return g;
    }

    static async Task<Results<Ok<InboxPage>, ProblemHttpResult>> List(InboxDb inbox, string? status, int? limit, long? before,
        CancellationToken ct)
    {
        if (limit is < 1 or > 500) return Error.Validation("invalid_limit", "limit must be between 1 and 500.").ToProblem();
        var query = inbox.Messages.AsNoTracking();
        if (status is not null)
        {
            if (!Enum.TryParse<InboxStatus>(status, true, out var s))
                return Error.Validation("invalid_status", "status must be pending, done or dead.").ToProblem();
            query = query.Where(m => m.Status == s);
        }
        if (before is { } cursor) query = query.Where(m => m.Id < cursor);
        var n = limit ?? 50;
        var rows = await query.OrderByDescending(m => m.Id).Take(n + 1).ToListAsync(ct);
        var items = rows.Take(n).Select(m => Item(m, withPayload: false)).ToList();
        return TypedResults.Ok(new InboxPage(items, rows.Count > n ? items[^1].Id : null));
    }

    static async Task<Results<Ok<InboxItem>, ProblemHttpResult>> Get(long id, InboxDb inbox, CancellationToken ct) =>
        await inbox.Messages.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, ct) is { } m
            ? TypedResults.Ok(Item(m, withPayload: true))
            : Error.NotFound("inbox_message_not_found", $"Inbox message {id} does not exist.").ToProblem();

    /// <summary>Puts a dead (or done) message back in line, with a fresh attempt budget.</summary>
    static async Task<Results<Ok<InboxItem>, ProblemHttpResult>> Replay(long id, InboxDb inbox, TimeProvider clock, InboxSignal signal,
        CancellationToken ct)
    {
        var m = await inbox.Messages.SingleOrDefaultAsync(x => x.Id == id, ct);
        if (m is null) return Error.NotFound("inbox_message_not_found", $"Inbox message {id} does not exist.").ToProblem();
        if (m.Status == InboxStatus.Pending) return Error.Conflict("inbox_message_pending", $"Inbox message {id} is already waiting to be processed.").ToProblem();
        m.Status = InboxStatus.Pending;
        m.Attempts = 0;
        m.NextAttemptAt = clock.GetUtcNow();
        await inbox.Context.SaveChangesAsync(ct);
        signal.Pulse();
        return TypedResults.Ok(Item(m, withPayload: false));
    }

    static InboxItem Item(InboxMessage m, bool withPayload) => new(m.Id, m.Source, m.EventType, m.PartitionKey,
        m.Status.ToString().ToLowerInvariant(), m.Attempts, m.DeliveryCount, m.ReceivedAt, m.NextAttemptAt, m.ProcessedAt, m.LastError,
        m.Outcome, withPayload ? m.Payload : null);
}
