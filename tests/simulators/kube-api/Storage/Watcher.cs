using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Cmp.Simulators.KubeApi.Storage;

/// <summary>One open watch: the events it will write, in order, and when it must end.</summary>
public sealed class Watcher(ResourceDefinition definition, string? ns, Func<JsonObject, bool> filter)
{
    readonly Channel<JsonObject> _events = Channel.CreateUnbounded<JsonObject>(new UnboundedChannelOptions { SingleReader = true });

    public ResourceDefinition Definition { get; } = definition;
    public string? Namespace { get; } = ns;
    public ChannelReader<JsonObject> Events => _events.Reader;

    public bool Matches(ResourceDefinition d, JsonObject obj) =>
        d.Key == Definition.Key
        && (Namespace is null || obj["metadata"]?["namespace"]?.GetValue<string>() == Namespace)
        && filter(obj);

    public void Send(string type, JsonObject obj) =>
        _events.Writer.TryWrite(new JsonObject { ["type"] = type, ["object"] = obj.DeepClone() });

    /// <summary>Ends the stream after what was already queued (server-side close).</summary>
    public void Close() => _events.Writer.TryComplete();
}
