using Cmp.ControlPlane.Domain;
using Cmp.Kubernetes.Model;
using Cmp.Kubernetes.Operator;
using Cmp.Kubernetes.Resources;

namespace Cmp.ControlPlane.Operator.Instances;

/// <summary>Why the last <c>spec.desiredState</c> could not be applied (e.g. resuming a refunded instance).</summary>
public sealed record Refusal(string Reason, string Message);

/// <summary>
/// An instance's state in the control plane as an AgentInstance status: phase, the <c>Provisioned</c>,
/// <c>Suspended</c> and <c>Ready</c> conditions with reasons, flow id and endpoint. Pure: the reconciler calls it
/// inside <c>UpdateStatusAsync</c>, so it is computed again from the fresh object after a write conflict.
/// <para><c>observedGeneration</c> is the generation the reconcile acted on, not the fresh object's: if a human edited
/// the spec between our read and a conflicting status write, the newer generation must stay unobserved, or its
/// <c>desiredState</c> would never be applied.</para>
/// </summary>
public static class InstanceStatusProjection
{
    public static void Apply(AgentInstance o, long? gen, Instance i, string? endpoint, Refusal? refusal, DateTimeOffset now)
    {
        var s = o.Status ??= new AgentInstanceStatus();
        s.ObservedGeneration = gen;
        s.InstanceId = i.Id.ToString("D");
        s.FlowId = i.FlowId.ToString("D");
        s.Endpoint = endpoint;
        s.Phase = i.Status switch
        {
            InstanceStatus.Provisioning => Phases.Provisioning,
            InstanceStatus.Ready => Phases.Ready,
            InstanceStatus.Suspended => Phases.Suspended,
            InstanceStatus.Failed => Phases.Failed,
            _ => Phases.Terminating,
        };

        var (provisioned, provisionedReason, provisionedMessage) = Provisioned(i);
        s.Conditions = s.Conditions.Set(CmpConditions.Provisioned, provisioned, provisionedReason, provisionedMessage, gen, now);

        var (suspended, suspendedReason, suspendedMessage) = Suspended(i);
        s.Conditions = s.Conditions.Set(CmpConditions.Suspended, suspended, suspendedReason, suspendedMessage, gen, now);

        var (ready, readyReason, readyMessage) = refusal is not null
            ? (false, refusal.Reason, refusal.Message)
            : i.Status switch
            {
                InstanceStatus.Ready => (true, InstanceReasons.Ready, endpoint is null ? "Runs are accepted." : $"Runs are accepted at {endpoint}."),
                InstanceStatus.Suspended => (false, suspendedReason, suspendedMessage),
                InstanceStatus.Deleted => (false, InstanceReasons.Deleting, $"Deleted in the control plane: {i.StatusReason ?? "its keys are revoked"}."),
                _ => (false, provisionedReason, provisionedMessage),
            };
        s.Conditions = s.Conditions.Set(CmpConditions.Ready, ready, readyReason, readyMessage, gen, now);
    }

    /// <summary>For objects that mirror nothing (a hand-made AgentInstance, or an instance this database does not know).</summary>
    public static void Unmirrored(AgentInstance o, long? gen, string reason, string message, DateTimeOffset now)
    {
        var s = o.Status ??= new AgentInstanceStatus();
        s.ObservedGeneration = gen;
        s.Phase = Phases.Failed;
        s.Conditions = s.Conditions.Set(CmpConditions.Ready, false, reason, message, gen, now);
    }

    static (bool, string, string) Provisioned(Instance i)
    {
        // A suspended instance keeps its imported flow; one suspended before the import finished has NextAttemptAt set.
        var imported = i.Status == InstanceStatus.Ready || i.Status == InstanceStatus.Suspended && i.NextAttemptAt is null;
        return i.Status switch
        {
            InstanceStatus.Failed => (false, InstanceReasons.ProvisioningFailed,
                $"{i.StatusReason ?? "The flow import failed"}. A platform admin can retry: POST /v1/instances/{i.Id}/retry."),
            InstanceStatus.Deleted => (false, InstanceReasons.Deleted, i.StatusReason ?? "Deleted."),
            _ when imported => (true, InstanceReasons.FlowImported, $"Langflow flow {i.FlowId} is imported."),
            InstanceStatus.Suspended => (false, InstanceReasons.Provisioning, "Suspended before its flow was imported; the import continues once it is resumed."),
            _ => (false, InstanceReasons.Provisioning, $"Importing the agent's flow: {i.StatusReason ?? "in progress"}."),
        };
    }

    static (bool, string, string) Suspended(Instance i) => i.Status != InstanceStatus.Suspended
        ? (false, InstanceReasons.NotSuspended, "No suspension blocks its runs.")
        : i.SuspendedBy switch
        {
            SuspendedBy.Refund => (true, InstanceReasons.Refunded, "Its order was refunded or cancelled: suspended for good, it cannot be resumed."),
            SuspendedBy.Tenant => (true, InstanceReasons.SuspendedByTenant, "Suspended by its tenant, who can resume it."),
            _ => (true, InstanceReasons.SuspendedByPlatform, $"Suspended by the platform team ({i.StatusReason ?? "no reason given"}); set spec.desiredState to Ready to resume."),
        };
}
