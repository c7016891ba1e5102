namespace Cmp.Runner.Client.Contracts;

/// <summary>
/// The normalised outcome of a successful run: the answer of <c>POST /v1/runs</c>, and the data of the stream's
/// <c>end</c> event (the same value for the same run).
/// </summary>
public sealed record RunResult
{
    /// <summary>The flow's reply (the first output component's text). Never empty: a run without a reply is a failure.</summary>
    public required string OutputText { get; init; }

    /// <summary>The conversation turn: the user's input, then each output component's message, in order.</summary>
    public required IReadOnlyList<RunMessage> Messages { get; init; }

    /// <summary>The conversation key to send with the next turn.</summary>
    public required string SessionId { get; init; }

    public required RunUsage Usage { get; init; }

    /// <summary>The HTTP status Langflow answered the run with (200 for every success).</summary>
    public required int LangflowStatus { get; init; }
}

/// <summary>One message of the turn.</summary>
/// <param name="Role"><c>user</c> or <c>assistant</c> (Langflow's <c>User</c> / <c>Machine</c>); other senders lower-cased.</param>
/// <param name="Text">The message text.</param>
public sealed record RunMessage(string Role, string Text)
{
    /// <summary>The display name Langflow gave the sender (e.g. <c>AI</c>, <c>User</c>).</summary>
    public string? SenderName { get; init; }

    /// <summary>The model that produced the message, when Langflow says (e.g. <c>gpt-4o-mini</c>).</summary>
    public string? Model { get; init; }
}

/// <summary>Tokens the run used, as Langflow reports them; all zero and <see cref="Reported"/> false when it did not.</summary>
public sealed record RunUsage(long InputTokens, long OutputTokens)
{
    public long TotalTokens { get; init; } = InputTokens + OutputTokens;

    /// <summary>False when Langflow reported no usage (no model in the flow, or an older Langflow): meter accordingly.</summary>
    public bool Reported { get; init; } = true;

    public static RunUsage None { get; } = new(0, 0) { Reported = false };
}
