using Cmp.Primitives;

namespace Cmp.Runner.Domain;

/// <summary>
/// The key of a conversation's chat memory in Langflow. When a caller sends none, a new one is made: Langflow's own
/// default is the flow id, which would make every caller of a flow share one conversation history.
/// </summary>
public readonly record struct SessionId
{
    public const int MaxLength = 200;

    SessionId(string value) => Value = value;

    public string Value { get; }

    public static SessionId New() => new(Guid.CreateVersion7().ToString("D"));

    /// <summary>Absent → a new conversation; present → printable text of at most <see cref="MaxLength"/> characters.</summary>
    public static Result<SessionId> ParseOrNew(string? raw)
    {
        if (raw is null) return New();
        if (raw.Length is 0 or > MaxLength || string.IsNullOrWhiteSpace(raw) || raw.Any(char.IsControl))
            return RunnerErrors.SessionIdInvalid(
                $"session_id must be 1 to {MaxLength} printable characters (omit it to start a new conversation).");
        return new SessionId(raw);
    }

    public override string ToString() => Value;
}
