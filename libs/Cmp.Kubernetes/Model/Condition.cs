namespace Cmp.Kubernetes.Model;

/// <summary><c>metav1.Condition</c>, the standard shape of <c>status.conditions[]</c>
/// (see the API conventions, "Typical status properties").</summary>
public sealed class Condition
{
    /// <summary>CamelCase, e.g. <c>Ready</c>.</summary>
    public string Type { get; set; } = "";

    /// <summary><c>True</c>, <c>False</c> or <c>Unknown</c>.</summary>
    public string Status { get; set; } = ConditionStatus.Unknown;

    /// <summary>The <c>metadata.generation</c> this condition was computed from.</summary>
    public long? ObservedGeneration { get; set; }

    /// <summary>When <see cref="Status"/> last changed (not when the condition was last written).</summary>
    public DateTimeOffset LastTransitionTime { get; set; }

    /// <summary>CamelCase, machine-readable, e.g. <c>CatalogSynced</c>.</summary>
    public string Reason { get; set; } = "";

    public string Message { get; set; } = "";
}

public static class ConditionStatus
{
    public const string True = "True";
    public const string False = "False";
    public const string Unknown = "Unknown";
}
