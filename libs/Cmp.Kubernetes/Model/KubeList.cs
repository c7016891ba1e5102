using System.Text.Json.Serialization;

namespace Cmp.Kubernetes.Model;

/// <summary>A list response: the items and the collection's <c>resourceVersion</c>, from which a watch resumes.</summary>
public sealed class KubeList<T>
{
    public string? ApiVersion { get; set; }
    public string? Kind { get; set; }
    public ListMeta Metadata { get; set; } = new();
    public List<T> Items { get; set; } = [];
}

public sealed class ListMeta
{
    public string? ResourceVersion { get; set; }

    /// <summary>Set when more items remain: pass it back as <c>continue</c> to get the next page.</summary>
    [JsonPropertyName("continue")]
    public string? Continue { get; set; }

    public long? RemainingItemCount { get; set; }
}
