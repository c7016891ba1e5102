using Cmp.Primitives;

namespace Cmp.Runner.Domain;

/// <summary>A flow's fixed UUID, as flow management needs it (Langflow stores, finds and deletes flows by id only).</summary>
public static class FlowId
{
    public static Result<Guid> Parse(string? raw) =>
        TryParse(raw, out var id)
            ? id
            : RunnerErrors.FlowIdInvalid("The flow id must be a UUID, e.g. 5f0c3a8e-2b71-4d9a-9c3e-7a1b2c3d4e5f.");

    /// <summary>Dashed or 32 hex digits, as Langflow accepts.</summary>
    public static bool TryParse(string? raw, out Guid id)
    {
        id = default;
        return raw is not null && (Guid.TryParseExact(raw, "D", out id) || Guid.TryParseExact(raw, "N", out id));
    }
}
