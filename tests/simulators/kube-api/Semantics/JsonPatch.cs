using System.Text.Json.Nodes;

namespace Cmp.Simulators.KubeApi.Semantics;

/// <summary>RFC 6902 JSON patch (add, remove, replace, move, copy, test). A failed <c>test</c> or a bad path rejects the whole patch.</summary>
public static class JsonPatch
{
    public static JsonNode Apply(JsonNode document, JsonArray operations)
    {
        var doc = document.DeepClone();
        foreach (var op in operations)
        {
            var o = op!.AsObject();
            var path = o["path"]?.GetValue<string>() ?? throw Fail("missing path");
            switch (o["op"]?.GetValue<string>())
            {
                case "add": doc = Add(doc, path, o["value"]?.DeepClone()); break;
                case "remove": doc = Remove(doc, path, out _); break;
                case "replace": doc = Remove(doc, path, out _); doc = Add(doc, path, o["value"]?.DeepClone()); break;
                case "move":
                    doc = Remove(doc, o["from"]!.GetValue<string>(), out var moved);
                    doc = Add(doc, path, moved);
                    break;
                case "copy": doc = Add(doc, path, Get(doc, o["from"]!.GetValue<string>())?.DeepClone()); break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(doc, path), o["value"]))
                        throw new ApiException(422, "Invalid", $"the server rejected our request due to an error in our request: test failed at {path}");
                    break;
                default: throw Fail($"unknown op {o["op"]}");
            }
        }
        return doc;
    }

    static ApiException Fail(string why) => ApiException.BadRequest($"the server rejected our request due to an error in our request: {why}");

    static List<string> Tokens(string path) =>
        path.Length == 0 ? [] : path[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToList();

    static JsonNode? Get(JsonNode doc, string path)
    {
        JsonNode? cur = doc;
        foreach (var t in Tokens(path))
            cur = cur switch
            {
                JsonObject o when o.ContainsKey(t) => o[t],
                JsonArray a when int.TryParse(t, out var i) && i >= 0 && i < a.Count => a[i],
                _ => throw Fail($"path {path} does not exist"),
            };
        return cur;
    }

    static JsonNode Add(JsonNode doc, string path, JsonNode? value)
    {
        var tokens = Tokens(path);
        if (tokens.Count == 0) return value ?? throw Fail("cannot replace the document with null");
        var parent = Get(doc, "/" + string.Join('/', tokens.SkipLast(1).Select(Escape)));
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject o: o[last] = value; break;
            case JsonArray a when last == "-": a.Add(value); break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i <= a.Count: a.Insert(i, value); break;
            default: throw Fail($"cannot add at {path}");
        }
        return doc;
    }

    static JsonNode Remove(JsonNode doc, string path, out JsonNode? removed)
    {
        var tokens = Tokens(path);
        var parent = Get(doc, "/" + string.Join('/', tokens.SkipLast(1).Select(Escape)));
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject o when o.ContainsKey(last): removed = o[last]; o.Remove(last); break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i < a.Count: removed = a[i]; a.RemoveAt(i); break;
            default: throw Fail($"path {path} does not exist");
        }
        removed = removed?.DeepClone();
        return doc;
    }

    static string Escape(string t) => t.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
