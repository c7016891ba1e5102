using System.Text.Json.Serialization;
using Cmp.Runner.Client.Contracts;

namespace Cmp.Gateway.Features.Runs;

/// <summary>
/// Body of <c>POST /v1/runs</c>. Members have defaults so that a missing field reaches validation and comes back as
/// a 422 naming it; unknown members are refused with 400 (a typo like <c>session</c> must not run silently).
/// </summary>
public sealed record CreateRunRequest(Guid? InstanceId = null, string? Input = null, string? SessionId = null, bool? Stream = null)
{
    /// <summary>
    /// Optional (HTTP: the <c>Idempotency-Key</c> header). A repeat with the same key, within the same tenant, never
    /// runs or charges again: it gets the first run's outcome, or <c>run_in_progress</c> while that run is going.
    /// </summary>
    [JsonIgnore]
    public string? IdempotencyKey { get; init; }
}

/// <summary>What a run cost and used. <see cref="BalanceAfter"/> is null while the charge is still being recorded
/// (the control plane did not answer in time, or <c>Runs:SettleBeforeResponse</c> is off, or the run was charged
/// through a credit lease, which is settled with the other runs on it).</summary>
public sealed record RunUsage(long CreditsCharged, long? BalanceAfter, long InputTokens, long OutputTokens);

/// <summary>The answer of a successful run (and the data of the stream's <c>end</c> event).</summary>
public sealed record RunResponse(Guid RunId, Guid InstanceId, string Status, string Output, string SessionId, RunUsage Usage, long LatencyMs)
{
    /// <summary>True when this is the stored outcome of an earlier request with the same idempotency key.</summary>
    [JsonIgnore]
    public bool Replayed { get; init; }
}

/// <summary>A run record as <c>GET /v1/runs</c> shows it. <see cref="LeaseId"/>: the credit lease it was charged through, if any.</summary>
public sealed record RunView(
    Guid Id, Guid InstanceId, Guid TenantId, string Status, bool Stream, string? SessionId,
    long CreditsReserved, long CreditsCharged, long InputTokens, long OutputTokens, long? LatencyMs, string? ErrorCode,
    string Settlement, long? BalanceAfter, string CallerKind, string? IdempotencyKey, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt,
    DateTimeOffset? SettledAt, Guid? LeaseId);

/// <summary>Newest first; pass <see cref="NextCursor"/> back as <c>?before=</c> for the next page.</summary>
public sealed record RunPage(IReadOnlyList<RunView> Items, Guid? NextCursor);

/// <summary>One event of a streamed run, as <see cref="AgentRunStream.ReadAllAsync"/> yields it.</summary>
public abstract record AgentRunEvent;

/// <summary>A piece of the reply.</summary>
public sealed record AgentRunToken(string Text) : AgentRunEvent;

/// <summary>A complete message (the user's turn, a finished reply).</summary>
public sealed record AgentRunMessage(RunMessage Message) : AgentRunEvent;

/// <summary>The run succeeded and was charged; always last.</summary>
public sealed record AgentRunCompleted(RunResponse Response) : AgentRunEvent;

/// <summary>The run failed after it started streaming; nothing was charged; always last.</summary>
public sealed record AgentRunFailed(Cmp.Primitives.Error Error) : AgentRunEvent;
