using System.Text.Json.Nodes;
using Cmp.Simulators.KubeApi.Storage;

namespace Cmp.Simulators.KubeApi.Http;

/// <summary>The discovery documents (<c>/api</c>, <c>/apis</c>, <c>/api/v1</c>, <c>/apis/group/version</c>), so that kubectl
/// can talk to the fake (run it with <c>--validate=false</c>: there is no OpenAPI document).</summary>
public static class Discovery
{
    public static JsonObject? Answer(string path, ResourceRegistry registry)
    {
        var p = path.TrimEnd('/');
        if (p == "/api")
            return new JsonObject { ["kind"] = "APIVersions", ["versions"] = new JsonArray("v1"), ["serverAddressByClientCIDRs"] = new JsonArray() };
        if (p == "/apis")
        {
            var groups = registry.All.Where(d => d.Group.Length > 0).GroupBy(d => d.Group).Select(g => (JsonNode)new JsonObject
            {
                ["name"] = g.Key,
                ["versions"] = new JsonArray(g.Select(d => d.Version).Distinct().Select(v => (JsonNode)Version(g.Key, v)).ToArray()),
                ["preferredVersion"] = Version(g.Key, g.First().Version),
            }).ToArray();
            return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = new JsonArray(groups) };
        }
        var parts = p.Trim('/').Split('/');
        var (group, version) = parts switch
        {
            ["api", var v] => ("", v),
            ["apis", var g, var v] => (g, v),
            _ => (null, null),
        };
        if (group is null) return null;
        var defs = registry.All.Where(d => d.Group == group && d.Version == version).ToList();
        if (defs.Count == 0) return null;
        var resources = new JsonArray();
        foreach (var d in defs)
        {
            resources.Add(new JsonObject
            {
                ["name"] = d.Plural, ["singularName"] = d.Kind.ToLowerInvariant(), ["namespaced"] = d.Namespaced, ["kind"] = d.Kind,
                ["verbs"] = new JsonArray("create", "delete", "get", "list", "patch", "update", "watch"),
                ["shortNames"] = new JsonArray(d.ShortNames.Select(n => (JsonNode)JsonValue.Create(n)!).ToArray()),
                ["categories"] = new JsonArray(d.Categories.Select(n => (JsonNode)JsonValue.Create(n)!).ToArray()),
            });
            if (d.HasStatusSubresource)
                resources.Add(new JsonObject { ["name"] = d.Plural + "/status", ["singularName"] = "", ["namespaced"] = d.Namespaced, ["kind"] = d.Kind, ["verbs"] = new JsonArray("get", "patch", "update") });
        }
        return new JsonObject { ["kind"] = "APIResourceList", ["apiVersion"] = "v1", ["groupVersion"] = defs[0].ApiVersion, ["resources"] = resources };
    }

    static JsonObject Version(string group, string version) => new() { ["groupVersion"] = $"{group}/{version}", ["version"] = version };
}
