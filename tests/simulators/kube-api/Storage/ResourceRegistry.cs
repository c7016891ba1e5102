using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Cmp.Simulators.KubeApi.Storage;

/// <summary>What the fake serves: a few built-in kinds plus the versions of every CRD it was given.</summary>
public sealed class ResourceRegistry
{
    readonly Dictionary<string, ResourceDefinition> _byKey = new(StringComparer.Ordinal);

    public ResourceRegistry()
    {
        Add(new("", "v1", "configmaps", "ConfigMap", true));
        Add(new("", "v1", "secrets", "Secret", true));
        Add(new("", "v1", "namespaces", "Namespace", false));
        Add(new("coordination.k8s.io", "v1", "leases", "Lease", true));
        Add(new("events.k8s.io", "v1", "events", "Event", true));
        Add(new("", "v1", "events", "Event", true));
    }

    public IEnumerable<ResourceDefinition> All => _byKey.Values;

    public void Add(ResourceDefinition d) => _byKey[d.Key] = d;

    public ResourceDefinition? Find(string group, string version, string plural) =>
        _byKey.GetValueOrDefault($"{group}/{version}/{plural}");

    public ResourceDefinition? FindKind(string apiVersion, string kind) =>
        _byKey.Values.FirstOrDefault(d => d.ApiVersion == apiVersion && d.Kind == kind);

    /// <summary>Registers every served version of the CRDs in the YAML files (or directories of them).</summary>
    public void AddCrds(IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            IEnumerable<string> files = Directory.Exists(path)
                ? Directory.GetFiles(path, "*.yaml").Concat(Directory.GetFiles(path, "*.yml")).Order()
                : [path];
            foreach (var file in files)
                foreach (var doc in Yaml.ReadAll(File.ReadAllText(file)))
                    if (doc?["kind"]?.GetValue<string>() == "CustomResourceDefinition") AddCrd(doc);
        }
    }

    public void AddCrd(JsonObject crd)
    {
        var spec = crd["spec"]!.AsObject();
        var group = spec["group"]!.GetValue<string>();
        var names = spec["names"]!.AsObject();
        var namespaced = spec["scope"]!.GetValue<string>() == "Namespaced";
        foreach (var v in spec["versions"]!.AsArray())
        {
            if (v!["served"]?.GetValue<bool>() != true) continue;
            Add(new ResourceDefinition(group, v["name"]!.GetValue<string>(), names["plural"]!.GetValue<string>(), names["kind"]!.GetValue<string>(), namespaced)
            {
                IsCustom = true,
                HasStatusSubresource = v["subresources"]?["status"] is not null,
                Schema = v["schema"]?["openAPIV3Schema"]?.AsObject(),
                PrinterColumns = v["additionalPrinterColumns"]?.DeepClone().AsArray(),
                ShortNames = (names["shortNames"] as JsonArray)?.Select(n => n!.GetValue<string>()).ToList() ?? [],
                Categories = (names["categories"] as JsonArray)?.Select(n => n!.GetValue<string>()).ToList() ?? [],
            });
        }
    }
}

/// <summary>Multi-document YAML to JSON nodes (YAML 1.2 scalars: numbers and booleans typed).</summary>
public static class Yaml
{
    public static IEnumerable<JsonObject?> ReadAll(string text)
    {
        var parser = new Parser(new StringReader(text));
        var deserializer = new DeserializerBuilder().WithAttemptingUnquotedStringTypeDeserialization().Build();
        parser.Consume<StreamStart>();
        while (parser.Accept<DocumentStart>(out _))
        {
            var value = deserializer.Deserialize<object?>(parser);
            yield return ToNode(value) as JsonObject;
        }
    }

    public static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        IDictionary<object, object?> map => new JsonObject(map.Select(kv => KeyValuePair.Create(Convert.ToString(kv.Key, System.Globalization.CultureInfo.InvariantCulture)!, ToNode(kv.Value)))),
        IList<object?> list => new JsonArray(list.Select(ToNode).ToArray()),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        // YamlDotNet picks the smallest fitting type (200 comes back as a byte): normalize every integer to long.
        byte or sbyte or short or ushort or int or uint or long => JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        ulong ul => JsonValue.Create(ul),
        float or double => JsonValue.Create(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
        decimal m => JsonValue.Create(m),
        _ => JsonValue.Create(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)),
    };
}
