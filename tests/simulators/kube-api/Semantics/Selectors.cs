using System.Text.Json.Nodes;

namespace Cmp.Simulators.KubeApi.Semantics;

/// <summary>Equality-based label selectors (<c>a=b</c>, <c>a==b</c>, <c>a!=b</c>, <c>a</c>, <c>!a</c>), set-based
/// <c>in</c>/<c>notin</c>, and field selectors on <c>metadata.name</c> / <c>metadata.namespace</c>.</summary>
public static class Selectors
{
    public static Func<JsonObject, bool> Labels(string? selector)
    {
        if (string.IsNullOrWhiteSpace(selector)) return _ => true;
        var tests = SplitTerms(selector).Select(ParseLabelTerm).ToList();
        return o =>
        {
            var labels = o["metadata"]?["labels"] as JsonObject;
            return tests.All(t => t(labels));
        };
    }

    static IEnumerable<string> SplitTerms(string selector)
    {
        // commas separate terms, except inside "in (a,b)" sets
        var depth = 0;
        var start = 0;
        for (var i = 0; i < selector.Length; i++)
        {
            if (selector[i] == '(') depth++;
            else if (selector[i] == ')') depth--;
            else if (selector[i] == ',' && depth == 0) { yield return selector[start..i].Trim(); start = i + 1; }
        }
        yield return selector[start..].Trim();
    }

    static Func<JsonObject?, bool> ParseLabelTerm(string term)
    {
        static string? Value(JsonObject? labels, string key) => labels?[key]?.GetValue<string>();
        if (term.Contains(" notin ", StringComparison.Ordinal) || term.Contains(" in ", StringComparison.Ordinal))
        {
            var notIn = term.Contains(" notin ", StringComparison.Ordinal);
            var parts = term.Split(notIn ? " notin " : " in ", 2);
            var key = parts[0].Trim();
            var values = parts[1].Trim().Trim('(', ')').Split(',').Select(v => v.Trim()).ToHashSet();
            return labels => Value(labels, key) is { } v ? values.Contains(v) != notIn : notIn;
        }
        if (term.Contains("!=", StringComparison.Ordinal))
        {
            var p = term.Split("!=", 2);
            var (key, value) = (p[0].Trim(), p[1].Trim());
            return labels => Value(labels, key) != value;
        }
        if (term.Contains('=', StringComparison.Ordinal))
        {
            var p = term.Split(term.Contains("==", StringComparison.Ordinal) ? "==" : "=", 2);
            var (key, value) = (p[0].Trim(), p[1].Trim());
            return labels => Value(labels, key) == value;
        }
        if (term.StartsWith('!'))
        {
            var key = term[1..].Trim();
            return labels => labels?.ContainsKey(key) != true;
        }
        return labels => labels?.ContainsKey(term) == true;
    }

    public static Func<JsonObject, bool> Fields(string? selector)
    {
        if (string.IsNullOrWhiteSpace(selector)) return _ => true;
        var tests = new List<Func<JsonObject, bool>>();
        foreach (var term in selector.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var negate = term.Contains("!=", StringComparison.Ordinal);
            var parts = term.Split(negate ? "!=" : term.Contains("==", StringComparison.Ordinal) ? "==" : "=", 2);
            var field = parts[0].Trim();
            var value = parts.Length > 1 ? parts[1].Trim() : "";
            var path = field.Split('.');
            if (field is not ("metadata.name" or "metadata.namespace"))
                throw ApiException.BadRequest($"field label not supported: {field}");
            tests.Add(o =>
            {
                JsonNode? cur = o;
                foreach (var p in path) cur = cur?[p];
                var actual = cur?.GetValue<string>() ?? "";
                return negate ? actual != value : actual == value;
            });
        }
        return o => tests.All(t => t(o));
    }
}
