using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Cmp.Simulators.KubeApi.Semantics;

/// <summary>
/// What the API server does with a custom resource and its CRD's structural <c>openAPIV3Schema</c>, in the same
/// order: drop nulls of non-nullable fields, apply defaults, prune unknown fields (unless <c>x-kubernetes-preserve-unknown-fields</c>),
/// then validate type, required, enum, pattern, bounds, lengths and item counts. Messages follow the real ones
/// (<c>spec.x: Required value</c>, <c>Unsupported value</c>, <c>should be greater than or equal to</c>). CEL rules
/// (<c>x-kubernetes-validations</c>) and formats other than date-time are not evaluated.
/// </summary>
public static class StructuralSchema
{
    public sealed record Cause(string Field, string Reason, string Message);

    /// <summary>Prunes and validates <paramref name="obj"/> in place. Returns the validation failures and the pruned paths.</summary>
    public static (List<Cause> Errors, List<string> Pruned) Apply(JsonObject obj, JsonObject schema)
    {
        var errors = new List<Cause>();
        var pruned = new List<string>();
        var props = schema["properties"] as JsonObject;
        foreach (var (key, value) in obj.ToList())
        {
            if (key is "apiVersion" or "kind" or "metadata") continue;   // the server owns these
            if (props?[key] is JsonObject s) Walk(obj, key, value, s, key, errors, pruned);
            else if (schema["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() != true)
            {
                obj.Remove(key);
                pruned.Add(key);
            }
        }
        foreach (var r in Required(schema))
            if (r is not ("apiVersion" or "kind" or "metadata") && !obj.ContainsKey(r))
                errors.Add(new(r, "FieldValueRequired", "Required value"));
        return (errors, pruned);
    }

    static IEnumerable<string> Required(JsonObject schema) =>
        (schema["required"] as JsonArray)?.Select(r => r!.GetValue<string>()) ?? [];

    static void Walk(JsonNode parent, string key, JsonNode? value, JsonObject schema, string path, List<Cause> errors, List<string> pruned)
    {
        if (value is null)
        {
            if (schema["nullable"]?.GetValue<bool>() == true) return;
            // Non-nullable nulls are dropped before validation (a required one then fails as missing).
            if (parent is JsonObject o) o.Remove(key);
            return;
        }
        var type = schema["type"]?.GetValue<string>();
        var intOrString = schema["x-kubernetes-int-or-string"]?.GetValue<bool>() == true;
        var kind = value.GetValueKind();
        if (!TypeMatches(type, intOrString, value, kind))
        {
            errors.Add(new(path, "FieldValueTypeInvalid", $"Invalid value: \"{Describe(kind)}\": {path} in body must be of type {type}: \"{Describe(kind)}\""));
            return;
        }
        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
            errors.Add(new(path, "FieldValueNotSupported",
                $"Unsupported value: {value.ToJsonString()}: supported values: {string.Join(", ", allowed.Select(a => a!.ToJsonString()))}"));

        switch (value)
        {
            case JsonObject obj:
                var props = schema["properties"] as JsonObject;
                // Structural defaulting: a missing field with a default gets it (before validation, as the server does).
                foreach (var (k, ps) in props ?? [])
                    if (!obj.ContainsKey(k) && ps?["default"] is { } dflt) obj[k] = dflt.DeepClone();
                var additional = schema["additionalProperties"] as JsonObject;
                var preserve = schema["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true
                               || schema["x-kubernetes-embedded-resource"]?.GetValue<bool>() == true;
                foreach (var (k, v) in obj.ToList())
                {
                    var childPath = $"{path}.{k}";
                    if (props?[k] is JsonObject ps) Walk(obj, k, v, ps, childPath, errors, pruned);
                    else if (additional is not null) Walk(obj, k, v, additional, childPath, errors, pruned);
                    else if (!preserve)
                    {
                        obj.Remove(k);
                        pruned.Add(childPath);
                    }
                }
                foreach (var r in Required(schema))
                    if (!obj.ContainsKey(r)) errors.Add(new($"{path}.{r}", "FieldValueRequired", "Required value"));
                if (schema["maxProperties"] is { } maxP && obj.Count > Num(maxP))
                    errors.Add(new(path, "FieldValueTooMany", $"Too many: {obj.Count}: must have at most {maxP} items"));
                break;
            case JsonArray arr:
                if (schema["items"] is JsonObject items)
                    for (var i = 0; i < arr.Count; i++) Walk(arr, i.ToString(CultureInfo.InvariantCulture), arr[i], items, $"{path}[{i}]", errors, pruned);
                if (schema["maxItems"] is { } maxI && arr.Count > Num(maxI))
                    errors.Add(new(path, "FieldValueTooMany", $"Too many: {arr.Count}: must have at most {maxI} items"));
                if (schema["minItems"] is { } minI && arr.Count < Num(minI))
                    errors.Add(new(path, "FieldValueInvalid", $"Invalid value: {arr.Count}: {path} in body should have at least {minI} items"));
                break;
            default:
                CheckScalar(value, kind, schema, path, errors);
                break;
        }
    }

    static void CheckScalar(JsonNode value, JsonValueKind kind, JsonObject schema, string path, List<Cause> errors)
    {
        if (kind == JsonValueKind.String)
        {
            var s = value.GetValue<string>();
            if (schema["pattern"]?.GetValue<string>() is { } pattern && !Regex.IsMatch(s, pattern, RegexOptions.None, TimeSpan.FromSeconds(1)))
                errors.Add(new(path, "FieldValueInvalid", $"Invalid value: \"{s}\": {path} in body should match '{pattern}'"));
            if (schema["maxLength"] is { } max && s.Length > Num(max))
                errors.Add(new(path, "FieldValueTooLong", $"Too long: may not be more than {max} bytes"));
            if (schema["minLength"] is { } min && s.Length < Num(min))
                errors.Add(new(path, "FieldValueInvalid", $"Invalid value: \"{s}\": {path} in body should be at least {min} chars long"));
            if (schema["format"]?.GetValue<string>() == "date-time" && !DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                errors.Add(new(path, "FieldValueInvalid", $"Invalid value: \"{s}\": {path} in body must be of type date-time: \"{s}\""));
        }
        else if (kind == JsonValueKind.Number)
        {
            var n = Num(value);
            if (schema["minimum"] is { } min && (schema["exclusiveMinimum"]?.GetValue<bool>() == true ? n <= Num(min) : n < Num(min)))
                errors.Add(new(path, "FieldValueInvalid", $"Invalid value: {value.ToJsonString()}: {path} in body should be greater than {(schema["exclusiveMinimum"]?.GetValue<bool>() == true ? "" : "or equal to ")}{min}"));
            if (schema["maximum"] is { } max && (schema["exclusiveMaximum"]?.GetValue<bool>() == true ? n >= Num(max) : n > Num(max)))
                errors.Add(new(path, "FieldValueInvalid", $"Invalid value: {value.ToJsonString()}: {path} in body should be less than {(schema["exclusiveMaximum"]?.GetValue<bool>() == true ? "" : "or equal to ")}{max}"));
        }
    }

    static bool TypeMatches(string? type, bool intOrString, JsonNode value, JsonValueKind kind)
    {
        if (intOrString) return kind == JsonValueKind.String || kind == JsonValueKind.Number && IsInteger(value);
        return type switch
        {
            null => true,
            "object" => kind == JsonValueKind.Object,
            "array" => kind == JsonValueKind.Array,
            "string" => kind == JsonValueKind.String,
            "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
            "integer" => kind == JsonValueKind.Number && IsInteger(value),
            "number" => kind == JsonValueKind.Number,
            _ => false,
        };
    }

    static bool IsInteger(JsonNode value)
    {
        var d = Num(value);
        return Math.Abs(d % 1) < double.Epsilon;
    }

    /// <summary>Numbers from parsed JSON and from YAML-built nodes alike.</summary>
    static double Num(JsonNode n) => double.Parse(n.ToJsonString(), CultureInfo.InvariantCulture);

    static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };
}
