using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Cmp.Deploy.Tests.Tooling;

/// <summary>Rendered manifests as JSON nodes, to assert on what the charts produce.</summary>
public sealed class Manifests(IReadOnlyList<JsonObject> docs)
{
    public IReadOnlyList<JsonObject> All => docs;

    public static Manifests Parse(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        var deserializer = new DeserializerBuilder().WithAttemptingUnquotedStringTypeDeserialization().Build();
        parser.Consume<StreamStart>();
        var list = new List<JsonObject>();
        while (parser.Accept<DocumentStart>(out _))
            if (ToNode(deserializer.Deserialize<object?>(parser)) is JsonObject o) list.Add(o);
        return new Manifests(list);
    }

    public static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        IDictionary<object, object?> map => new JsonObject(map.Select(kv => KeyValuePair.Create(Convert.ToString(kv.Key, CultureInfo.InvariantCulture)!, ToNode(kv.Value)))),
        IList<object?> list => new JsonArray(list.Select(ToNode).ToArray()),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        byte or sbyte or short or ushort or int or uint or long => JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        float or double or decimal => JsonValue.Create(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
        _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };

    public IEnumerable<JsonObject> OfKind(string kind) => docs.Where(d => d["kind"]?.GetValue<string>() == kind);

    public JsonObject Single(string kind, string name) =>
        OfKind(kind).SingleOrDefault(d => d["metadata"]?["name"]?.GetValue<string>() == name)
        ?? throw new InvalidOperationException($"No {kind}/{name} among: {string.Join(", ", docs.Select(Id))}");

    public static string Id(JsonObject d) => $"{d["kind"]}/{d["metadata"]?["name"]}";

    public static string Str(JsonNode? n) => n?.GetValue<string>() ?? "";
}
