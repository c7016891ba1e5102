using System.Text.Json.Serialization;

namespace Cmp.Kubernetes.Model;

/// <summary>A type the client can address: it names its <see cref="ResourceType"/> statically.</summary>
public interface IKubeResource
{
    static abstract ResourceType Resource { get; }
}

/// <summary>Every Kubernetes object: <c>apiVersion</c>, <c>kind</c>, <c>metadata</c>.</summary>
public abstract class KubeObject
{
    [JsonPropertyOrder(-3)]
    public string? ApiVersion { get; set; }

    [JsonPropertyOrder(-2)]
    public string? Kind { get; set; }

    [JsonPropertyOrder(-1)]
    public ObjectMeta Metadata { get; set; } = new();

    /// <summary><c>namespace/name</c> (or <c>name</c> for cluster-scoped objects): the work-queue key.</summary>
    [JsonIgnore]
    public string Key => ObjectKey.Of(Metadata.Namespace, Metadata.Name);
}

/// <summary>An object with desired state (<c>spec</c>) and observed state (<c>status</c>, written by controllers
/// through the status subresource).</summary>
public abstract class KubeObject<TSpec, TStatus> : KubeObject, IHasSpec
    where TSpec : new()
    where TStatus : class
{
    public TSpec Spec { get; set; } = new();

    object? IHasSpec.SpecObject => Spec;

    public TStatus? Status { get; set; }
}

/// <summary>Gives generic code (validation in file mode) the spec without knowing its type.</summary>
public interface IHasSpec
{
    object? SpecObject { get; }
}

/// <summary>Keys in the <c>namespace/name</c> form client-go's cache uses.</summary>
public static class ObjectKey
{
    public static string Of(string? ns, string name) => string.IsNullOrEmpty(ns) ? name : $"{ns}/{name}";

    public static (string? Namespace, string Name) Split(string key)
    {
        var i = key.IndexOf('/', StringComparison.Ordinal);
        return i < 0 ? (null, key) : (key[..i], key[(i + 1)..]);
    }
}
