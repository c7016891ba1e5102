using System.Text.Json.Nodes;

namespace Cmp.Simulators.KubeApi.Semantics;

/// <summary>RFC 7386 JSON merge patch: objects merge recursively, <c>null</c> deletes a member, anything else (arrays included) replaces.</summary>
public static class MergePatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject p) return patch?.DeepClone();
        var result = target is JsonObject t ? t.DeepClone().AsObject() : new JsonObject();
        foreach (var (key, value) in p)
        {
            if (value is null) result.Remove(key);
            else result[key] = Apply(result[key], value);
        }
        return result;
    }

    /// <summary>Server-side apply, approximated: like a merge patch, except that a null in the applied configuration does
    /// not delete anything (no field ownership is tracked, so nothing is removed either).</summary>
    public static JsonNode? MergeApplied(JsonNode? target, JsonNode? applied)
    {
        if (applied is not JsonObject a) return applied?.DeepClone() ?? target?.DeepClone();
        var result = target is JsonObject t ? t.DeepClone().AsObject() : new JsonObject();
        foreach (var (key, value) in a)
            if (value is not null) result[key] = MergeApplied(result[key], value);
        return result;
    }
}
