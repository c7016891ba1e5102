using System.Text.Json.Nodes;

namespace Cmp.ControlPlane.Infrastructure.Flows;

public sealed class FlowTemplateOptions
{
    /// <summary>A folder of extra templates (*.json Langflow flow exports), e.g. a mounted ConfigMap. Same name wins over built-ins.</summary>
    public string? Directory { get; set; }
}

/// <summary>
/// Langflow flows that agent plans are made from, by name: the built-in ones shipped with the control plane and any
/// in <see cref="FlowTemplateOptions.Directory"/>. A template is a real Langflow export; each instance gets a copy
/// with its own fixed id, so importing it again is harmless.
/// </summary>
public sealed class FlowTemplateCatalog
{
    readonly Dictionary<string, string> _templates = new(StringComparer.Ordinal);

    public FlowTemplateCatalog(Microsoft.Extensions.Options.IOptions<FlowTemplateOptions> options)
    {
        var assembly = typeof(FlowTemplateCatalog).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("flow-templates/", StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            _templates[Path.GetFileNameWithoutExtension(resource["flow-templates/".Length..])] = reader.ReadToEnd();
        }
        if (options.Value.Directory is { Length: > 0 } dir && System.IO.Directory.Exists(dir))
            foreach (var file in System.IO.Directory.GetFiles(dir, "*.json"))
                _templates[Path.GetFileNameWithoutExtension(file)] = File.ReadAllText(file);
        foreach (var (name, json) in _templates)
            if (JsonNode.Parse(json) is not JsonObject { } flow || flow["data"]?["nodes"] is not JsonArray)
                throw new InvalidOperationException($"Flow template '{name}' is not a Langflow flow export (no data.nodes).");
    }

    public IReadOnlyCollection<string> Names => _templates.Keys;

    public bool Exists(string name) => _templates.ContainsKey(name);

    /// <summary>The flow for one instance: the template with the instance's flow id, a unique name and endpoint.</summary>
    public JsonObject Build(string template, Guid flowId, Guid instanceId, string sku)
    {
        if (!_templates.TryGetValue(template, out var json)) throw new KeyNotFoundException($"Unknown flow template '{template}'.");
        var flow = (JsonObject)JsonNode.Parse(json)!;
        flow["id"] = flowId.ToString();
        flow["name"] = $"cmp-{instanceId}";
        flow["endpoint_name"] = $"cmp-{instanceId:N}";
        flow["description"] = $"CMP agent instance {instanceId} ({sku}), from template '{template}'.";
        return flow;
    }
}
