using Cmp.Kubernetes.Model;

namespace Cmp.Kubernetes.Resources;

/// <summary><c>cmp.dev/v1alpha1</c> AgentInstance: one provisioned agent, mirrored from the control plane.</summary>
public sealed class AgentInstance : KubeObject<AgentInstanceSpec, AgentInstanceStatus>, IKubeResource
{
    public static ResourceType Resource { get; } = new(CmpApi.Group, CmpApi.Version, "agentinstances", "AgentInstance");
}

public static class DesiredStates
{
    public const string Ready = "Ready";
    public const string Suspended = "Suspended";
}

public sealed class AgentInstanceSpec
{
    public string Tenant { get; set; } = "";

    /// <summary>SKU of the AgentOffering.</summary>
    public string Offering { get; set; } = "";

    public OrderRef? OrderRef { get; set; }

    /// <summary><see cref="DesiredStates.Ready"/> or <see cref="DesiredStates.Suspended"/>.</summary>
    public string DesiredState { get; set; } = DesiredStates.Ready;
}

public sealed class OrderRef
{
    public string OrderId { get; set; } = "";
    public string LineId { get; set; } = "";
    public int Unit { get; set; }
}

public sealed class AgentInstanceStatus
{
    public long? ObservedGeneration { get; set; }

    /// <summary>Pending, Provisioning, Ready, Suspended, Failed, Terminating.</summary>
    public string? Phase { get; set; }

    public string? InstanceId { get; set; }
    public string? FlowId { get; set; }
    public string? Endpoint { get; set; }
    public List<Condition>? Conditions { get; set; }
}
