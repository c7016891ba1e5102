using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cmp.Runner.Client.Contracts;

/// <summary>
/// Body of <c>POST /v1/runs</c>. Properties have defaults instead of being <c>required</c> so that a missing field
/// reaches the runner's validation and comes back as a 422 naming the field, not as a JSON parser error.
/// Unknown members are rejected (400): Langflow silently ignores what it does not know, so a typo such as
/// <c>session</c> for <c>session_id</c> would otherwise run in the wrong conversation without a word.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RunRequest
{
    public RunRequest() { }

    public RunRequest(string flowId, string input)
    {
        FlowId = flowId;
        Input = input;
    }

    /// <summary>The Langflow flow: its UUID or its endpoint name (letters, digits, '-' and '_').</summary>
    public string FlowId { get; init; } = "";

    /// <summary>The user's message for the flow's Chat Input.</summary>
    public string Input { get; init; } = "";

    /// <summary>
    /// Conversation key for the flow's chat memory. When absent the runner starts a new conversation and returns its
    /// id; it never lets Langflow fall back to its default (the flow id), which would share one history between callers.
    /// </summary>
    public string? SessionId { get; init; }

    /// <summary>Per-run overrides of component fields, keyed by component id or display name (a JSON object).</summary>
    public JsonElement? Tweaks { get; init; }

    /// <summary>True for a server-sent event stream (also chosen by <c>Accept: text/event-stream</c>).</summary>
    public bool? Stream { get; init; }
}
