using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Cmp.Kubernetes.Operator;

/// <summary>Multi-document YAML (as <c>kubectl apply -f</c> reads it) turned into JSON nodes, numbers and booleans typed.</summary>
public static class YamlDocuments
{
    static readonly IDeserializer Deserializer = new DeserializerBuilder().WithAttemptingUnquotedStringTypeDeserialization().Build();

    /// <summary>The non-empty documents of <paramref name="yaml"/>, with their 1-based position in the stream.</summary>
    public static IEnumerable<(int Index, JsonNode Node)> Read(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        parser.Consume<StreamStart>();
        var index = 0;
        while (parser.Accept<DocumentStart>(out _))
        {
            index++;
            var node = ToNode(Deserializer.Deserialize<object?>(parser));
            if (node is not null) yield return (index, node);
        }
    }

    static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        IDictionary<object, object?> map => new JsonObject(map.Select(kv =>
            KeyValuePair.Create(Convert.ToString(kv.Key, CultureInfo.InvariantCulture)!, ToNode(kv.Value)))),
        IList<object?> list => new JsonArray(list.Select(ToNode).ToArray()),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create((long)i),
        long l => JsonValue.Create(l),
        double d => JsonValue.Create(d),
        decimal m => JsonValue.Create(m),
        _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };
}
