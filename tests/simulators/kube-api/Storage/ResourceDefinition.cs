using System.Text.Json.Nodes;

namespace Cmp.Simulators.KubeApi.Storage;

/// <summary>A resource the fake serves: built in (schemaless) or from a CustomResourceDefinition.</summary>
public sealed record ResourceDefinition(string Group, string Version, string Plural, string Kind, bool Namespaced)
{
    /// <summary>The CRD's <c>subresources.status</c> is present: spec and status are written through separate endpoints.</summary>
    public bool HasStatusSubresource { get; init; }

    /// <summary>Custom resources keep <c>metadata.generation</c> and refuse updates without a resourceVersion.</summary>
    public bool IsCustom { get; init; }

    /// <summary>The served version's <c>openAPIV3Schema</c> (null = no validation, nothing pruned).</summary>
    public JsonObject? Schema { get; init; }

    public IReadOnlyList<string> ShortNames { get; init; } = [];

    /// <summary>The served version's <c>additionalPrinterColumns</c> (what <c>kubectl get</c> shows).</summary>
    public JsonArray? PrinterColumns { get; init; }
    public IReadOnlyList<string> Categories { get; init; } = [];

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
    public string Key => $"{Group}/{Version}/{Plural}";
    public string GroupResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>The real registry: <c>AllowUnconditionalUpdate</c> is false for custom resources, true for most built-ins.</summary>
    public bool AllowUnconditionalUpdate => !IsCustom;
}
