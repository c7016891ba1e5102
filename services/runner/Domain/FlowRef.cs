using Cmp.Primitives;

namespace Cmp.Runner.Domain;

/// <summary>
/// A flow as a run names it: Langflow's flow UUID, or the flow's endpoint name. Langflow itself accepts both on
/// <c>/api/v1/run/{flow}</c>; checking the shape here turns a typo into a clear 422 instead of a Langflow 404.
/// </summary>
public readonly record struct FlowRef
{
    public const int MaxLength = 255;

    FlowRef(string value, bool isId)
    {
        Value = value;
        IsId = isId;
    }

    /// <summary>The UUID in canonical form (lower case, dashed), or the endpoint name as given.</summary>
    public string Value { get; }

    public bool IsId { get; }

    public static Result<FlowRef> Parse(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
            return RunnerErrors.FlowIdInvalid("flow_id is required: the flow's UUID or its endpoint name.");
        if (FlowId.TryParse(raw, out var id)) return new FlowRef(id.ToString("D"), true);
        if (raw.Length <= MaxLength && raw.All(IsEndpointChar)) return new FlowRef(raw, false);
        return RunnerErrors.FlowIdInvalid(
            $"flow_id must be a flow UUID or an endpoint name (letters, digits, '-' and '_', at most {MaxLength} characters).");
    }

    /// <summary>Langflow's endpoint-name rule: <c>^[a-zA-Z0-9_-]+$</c>.</summary>
    static bool IsEndpointChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';

    public override string ToString() => Value;
}
