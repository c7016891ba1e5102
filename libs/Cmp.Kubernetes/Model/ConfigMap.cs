namespace Cmp.Kubernetes.Model;

/// <summary><c>v1</c> ConfigMap: the simplest owned child object a reconciler can create.</summary>
public sealed class ConfigMap : KubeObject, IKubeResource
{
    public static ResourceType Resource { get; } = new("", "v1", "configmaps", "ConfigMap");

    public Dictionary<string, string>? Data { get; set; }
}
