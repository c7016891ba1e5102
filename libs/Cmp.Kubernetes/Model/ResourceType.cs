namespace Cmp.Kubernetes.Model;

/// <summary>Where a kind lives in the API: group, version, plural resource name, and whether it is namespaced.</summary>
public sealed record ResourceType(string Group, string Version, string Plural, string Kind, bool Namespaced = true)
{
    /// <summary><c>v1</c> for the core group, otherwise <c>group/version</c>.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary><c>/api/v1</c> for the core group, otherwise <c>/apis/group/version</c>.</summary>
    public string GroupVersionPath => Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";

    /// <summary>The collection URL path; a null namespace on a namespaced type means "all namespaces".</summary>
    public string CollectionPath(string? ns) =>
        Namespaced && !string.IsNullOrEmpty(ns)
            ? $"{GroupVersionPath}/namespaces/{Uri.EscapeDataString(ns)}/{Plural}"
            : $"{GroupVersionPath}/{Plural}";

    public string ItemPath(string? ns, string name) => $"{CollectionPath(ns)}/{Uri.EscapeDataString(name)}";

    /// <summary><c>plural.group</c>, the name of the CRD that defines this type (and what RBAC rules name).</summary>
    public string FullName => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    public override string ToString() => $"{Kind} ({ApiVersion}, {Plural})";
}
