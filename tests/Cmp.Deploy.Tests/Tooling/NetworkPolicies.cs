using System.Net;
using System.Text.Json.Nodes;
using static Cmp.Deploy.Tests.Tooling.Manifests;

namespace Cmp.Deploy.Tests.Tooling;

/// <summary>A pod (namespace + labels) or an address outside the pod network (the API server, the internet).</summary>
public sealed record Peer(string Name, string? Namespace, IReadOnlyDictionary<string, string> Labels, IPAddress? Address = null)
{
    public static Peer Pod(string name, string ns, params (string Key, string Value)[] labels) =>
        new(name, ns, labels.ToDictionary(l => l.Key, l => l.Value));

    public static Peer External(string name, string ip) => new(name, null, new Dictionary<string, string>(), IPAddress.Parse(ip));

    public override string ToString() => Name;
}

/// <summary>
/// Evaluates rendered NetworkPolicies the way the API defines them: a pod selected by any policy of a type allows
/// only what some rule of that type allows; unselected pods allow everything. Traffic flows when the source's egress
/// and the destination's ingress both allow it. (Namespaces carry only their kubernetes.io/metadata.name label.)
/// </summary>
public sealed class NetworkPolicies(IEnumerable<JsonObject> policies)
{
    readonly List<JsonObject> _policies = policies.ToList();

    public bool Allows(Peer from, Peer to, int port, string protocol = "TCP") =>
        Side(from, "Egress", rule => rule["to"], to, port, protocol)
        && (to.Namespace is null || Side(to, "Ingress", rule => rule["from"], from, port, protocol));

    bool Side(Peer subject, string type, Func<JsonNode, JsonNode?> peersOf, Peer other, int port, string protocol)
    {
        if (subject.Namespace is null) return true;   // not a pod: no policy applies on its side
        var selecting = _policies.Where(p => Str(p["metadata"]!["namespace"]) == subject.Namespace
                                             && Matches(p["spec"]!["podSelector"], subject.Labels)
                                             && (p["spec"]!["policyTypes"]?.AsArray().Any(t => Str(t) == type) ?? type == "Ingress")).ToList();
        if (selecting.Count == 0) return true;
        var rulesKey = type == "Egress" ? "egress" : "ingress";
        return selecting.Any(p => (p["spec"]![rulesKey]?.AsArray() ?? []).Any(rule =>
            PortMatches(rule!["ports"], port, protocol)
            && (peersOf(rule) is not JsonArray peers || peers.Any(peer => PeerMatches(peer!, Str(p["metadata"]!["namespace"]), other)))));
    }

    static bool PeerMatches(JsonNode peer, string policyNamespace, Peer other)
    {
        if (peer["ipBlock"] is { } block)
        {
            if (other.Address is null) return false;   // pod traffic is matched by selectors here, not by the pod network's CIDR
            return InCidr(other.Address, Str(block["cidr"])) && !(block["except"]?.AsArray() ?? []).Any(e => InCidr(other.Address, Str(e)));
        }
        if (other.Namespace is null) return false;
        var nsOk = peer["namespaceSelector"] is { } nsSel
            ? Matches(nsSel, new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = other.Namespace })
            : other.Namespace == policyNamespace;
        var podOk = peer["podSelector"] is not { } podSel || Matches(podSel, other.Labels);
        return nsOk && podOk;
    }

    static bool Matches(JsonNode? selector, IReadOnlyDictionary<string, string> labels) =>
        (selector?["matchLabels"]?.AsObject() ?? []).All(kv => labels.TryGetValue(kv.Key, out var v) && v == Str(kv.Value));

    static bool PortMatches(JsonNode? ports, int port, string protocol) =>
        ports is not JsonArray list || list.Count == 0
        || list.Any(p => (p!["port"] is null || p["port"]!.GetValue<long>() == port) && (Str(p["protocol"]) is var proto && (proto.Length == 0 ? "TCP" : proto) == protocol));

    static bool InCidr(IPAddress address, string cidr)
    {
        var parts = cidr.Split('/');
        var network = IPAddress.Parse(parts[0]).GetAddressBytes();
        var bytes = address.GetAddressBytes();
        if (network.Length != bytes.Length) return false;
        var bits = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 0; i < bytes.Length && bits > 0; i++, bits -= 8)
        {
            var mask = bits >= 8 ? 0xFF : (byte)(0xFF << (8 - bits));
            if ((bytes[i] & mask) != (network[i] & mask)) return false;
        }
        return true;
    }
}
