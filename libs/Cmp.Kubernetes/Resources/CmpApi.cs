namespace Cmp.Kubernetes.Resources;

/// <summary>The <c>cmp.dev</c> API group: CMP's custom resources (CRDs in charts/cmp/files/crds).</summary>
public static class CmpApi
{
    public const string Group = "cmp.dev";
    public const string Version = "v1alpha1";
    public const string ApiVersion = Group + "/" + Version;
}

/// <summary>Condition types the CRDs document. Reasons belong to the reconciler that sets them.</summary>
public static class CmpConditions
{
    /// <summary>The object is fully converged and usable.</summary>
    public const string Ready = "Ready";

    /// <summary>AgentInstance: the control plane has created the instance (flow imported, keys issued).</summary>
    public const string Provisioned = "Provisioned";

    /// <summary>AgentInstance: runs are refused because the instance is suspended.</summary>
    public const string Suspended = "Suspended";
}
