using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cmp.Simulators.KubeApi.Storage;

namespace Cmp.Simulators.KubeApi.Http;

/// <summary>
/// Server-side printing (<c>Accept: application/json;as=Table;g=meta.k8s.io;v=v1</c>, what <c>kubectl get</c> asks for):
/// a <c>meta.k8s.io/v1</c> Table with a Name column, the CRD's <c>additionalPrinterColumns</c> (JSONPath subset: dotted
/// fields, <c>[n]</c>, <c>[?(@.field=="value")]</c>), dates as ages. Built-in kinds get Name and Age.
/// </summary>
public static partial class Tables
{
    public static bool Wanted(string? accept) => accept?.Contains("as=Table", StringComparison.Ordinal) == true;

    public static JsonObject From(ResourceDefinition d, IEnumerable<JsonObject> objects, string? resourceVersion, DateTimeOffset now)
    {
        var columns = d.PrinterColumns?.Select(c => c!.AsObject()).ToList()
                      ?? [new JsonObject { ["name"] = "Age", ["type"] = "date", ["jsonPath"] = ".metadata.creationTimestamp" }];
        var definitions = new JsonArray(new JsonObject { ["name"] = "Name", ["type"] = "string", ["format"] = "name", ["priority"] = 0, ["description"] = "Name" });
        foreach (var c in columns)
            definitions.Add(new JsonObject
            {
                ["name"] = c["name"]!.DeepClone(), ["type"] = c["type"]!.DeepClone(), ["format"] = c["format"]?.DeepClone() ?? "",
                ["priority"] = c["priority"]?.DeepClone() ?? 0, ["description"] = c["description"]?.DeepClone() ?? "",
            });
        var rows = new JsonArray();
        foreach (var o in objects)
        {
            var cells = new JsonArray(o["metadata"]!["name"]!.DeepClone());
            foreach (var c in columns)
            {
                var value = Evaluate(o, c["jsonPath"]!.GetValue<string>());
                cells.Add(c["type"]!.GetValue<string>() == "date" && value is JsonValue v && DateTimeOffset.TryParse(v.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
                    ? Age(now - t) : value?.DeepClone());
            }
            rows.Add(new JsonObject
            {
                ["cells"] = cells,
                ["object"] = new JsonObject
                {
                    ["kind"] = "PartialObjectMetadata", ["apiVersion"] = "meta.k8s.io/v1",
                    ["metadata"] = new JsonObject { ["name"] = o["metadata"]!["name"]!.DeepClone(), ["namespace"] = o["metadata"]!["namespace"]?.DeepClone(),
                        ["creationTimestamp"] = o["metadata"]!["creationTimestamp"]?.DeepClone() },
                },
            });
        }
        return new JsonObject
        {
            ["kind"] = "Table", ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion },
            ["columnDefinitions"] = definitions,
            ["rows"] = rows,
        };
    }

    [GeneratedRegex(@"^(?<field>[^\[]+)?(\[(?<index>\d+)\]|\[\?\(@\.(?<key>[\w.]+)==""(?<value>[^""]*)""\)\])?$")]
    private static partial Regex Step();

    /// <summary>The JSONPath subset printer columns use; null when a step finds nothing.</summary>
    public static JsonNode? Evaluate(JsonNode root, string path)
    {
        JsonNode? cur = root;
        foreach (var part in SplitPath(path))
        {
            var m = Step().Match(part);
            if (!m.Success) return null;
            if (m.Groups["field"].Success) cur = cur?[m.Groups["field"].Value];
            if (m.Groups["index"].Success) cur = cur is JsonArray a && int.Parse(m.Groups["index"].Value, CultureInfo.InvariantCulture) is var i && i < a.Count ? a[i] : null;
            if (m.Groups["key"].Success)
                cur = (cur as JsonArray)?.FirstOrDefault(item => item?[m.Groups["key"].Value]?.ToString() == m.Groups["value"].Value);
            if (cur is null) return null;
        }
        return cur;
    }

    static IEnumerable<string> SplitPath(string path)
    {
        // split on dots outside [...]
        var depth = 0;
        var start = 0;
        var p = path.TrimStart('.');
        for (var i = 0; i < p.Length; i++)
        {
            if (p[i] == '[') depth++;
            else if (p[i] == ']') depth--;
            else if (p[i] == '.' && depth == 0) { yield return p[start..i]; start = i + 1; }
        }
        yield return p[start..];
    }

    /// <summary>kubectl's short human durations: 45s, 14m, 5h, 3d, 2y.</summary>
    public static string Age(TimeSpan d) => d.TotalSeconds < 0 ? "0s"
        : d.TotalMinutes < 2 ? $"{(int)d.TotalSeconds}s"
        : d.TotalHours < 2 ? $"{(int)d.TotalMinutes}m"
        : d.TotalDays < 2 ? $"{(int)d.TotalHours}h"
        : d.TotalDays < 730 ? $"{(int)d.TotalDays}d"
        : $"{(int)(d.TotalDays / 365)}y";
}
