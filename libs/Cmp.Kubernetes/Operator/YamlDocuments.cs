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
        // YamlDotNet picks the smallest fitting type (200 comes back as a byte): normalize every integer to long.
        byte or sbyte or short or ushort or int or uint or long => JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        ulong ul => JsonValue.Create(ul),
        float or double => JsonValue.Create(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
        decimal m => JsonValue.Create(m),
        _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };
}
