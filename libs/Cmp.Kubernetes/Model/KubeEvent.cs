using System.Text.Json.Serialization;

namespace Cmp.Kubernetes.Model;

/// <summary><c>events.k8s.io/v1</c> Event: what <c>kubectl describe</c> and <c>kubectl events</c> show under an object.</summary>
public sealed class KubeEvent : KubeObject, IKubeResource
{
    public static ResourceType Resource { get; } = new("events.k8s.io", "v1", "events", "Event");

    [JsonConverter(typeof(MicroTimeConverter))]
    public DateTimeOffset EventTime { get; set; }

    /// <summary><c>Normal</c> or <c>Warning</c>.</summary>
    public string Type { get; set; } = "Normal";

    public string Reason { get; set; } = "";
    public string Action { get; set; } = "";
    public string Note { get; set; } = "";
    public string ReportingController { get; set; } = "";
    public string ReportingInstance { get; set; } = "";
    public ObjectReference? Regarding { get; set; }
}

public sealed class ObjectReference
{
    public string? ApiVersion { get; set; }
    public string? Kind { get; set; }
    public string? Name { get; set; }
    public string? Namespace { get; set; }
    public string? Uid { get; set; }
    public string? ResourceVersion { get; set; }

    public static ObjectReference To(KubeObject o) => new()
    {
        ApiVersion = o.ApiVersion, Kind = o.Kind, Name = o.Metadata.Name, Namespace = o.Metadata.Namespace,
        Uid = o.Metadata.Uid, ResourceVersion = o.Metadata.ResourceVersion,
    };
}
