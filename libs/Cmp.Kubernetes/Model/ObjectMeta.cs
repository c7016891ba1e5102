using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cmp.Kubernetes.Model;

/// <summary><c>metav1.ObjectMeta</c>: the fields CMP reads or writes; anything else the server sends is kept in
/// <see cref="Extra"/> so a read-modify-write does not drop it.</summary>
public sealed class ObjectMeta
{
    public string Name { get; set; } = "";
    public string? GenerateName { get; set; }
    public string? Namespace { get; set; }
    public string? Uid { get; set; }

    /// <summary>Opaque; sent back unchanged on update for optimistic concurrency (a mismatch is a 409).</summary>
    public string? ResourceVersion { get; set; }

    /// <summary>Incremented by the server when the desired state (spec) changes; never by status writes.</summary>
    public long? Generation { get; set; }

    public DateTimeOffset? CreationTimestamp { get; set; }

    /// <summary>Set by the server when deletion was requested while finalizers remain.</summary>
    public DateTimeOffset? DeletionTimestamp { get; set; }

    public long? DeletionGracePeriodSeconds { get; set; }
    public Dictionary<string, string>? Labels { get; set; }
    public Dictionary<string, string>? Annotations { get; set; }
    public List<string>? Finalizers { get; set; }
    public List<OwnerReference>? OwnerReferences { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }

    public bool HasFinalizer(string finalizer) => Finalizers?.Contains(finalizer) == true;

    [JsonIgnore]
    public bool IsBeingDeleted => DeletionTimestamp is not null;
}

/// <summary><c>metav1.OwnerReference</c>: makes the garbage collector delete this object with its owner.</summary>
public sealed class OwnerReference
{
    public string ApiVersion { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Name { get; set; } = "";
    public string Uid { get; set; } = "";

    /// <summary>At most one owner is the managing controller.</summary>
    public bool? Controller { get; set; }

    /// <summary>With foreground deletion, the owner waits for this dependent to go first.</summary>
    public bool? BlockOwnerDeletion { get; set; }
}
