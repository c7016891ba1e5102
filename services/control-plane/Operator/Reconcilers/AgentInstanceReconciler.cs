using Cmp.ControlPlane.Domain;
using Cmp.ControlPlane.Features.Callers;
using Cmp.ControlPlane.Features.Instances;
using Cmp.ControlPlane.Infrastructure.Data;
using Cmp.ControlPlane.Operator.Instances;
using Cmp.Kubernetes.Client;
using Cmp.Kubernetes.Model;
using Cmp.Kubernetes.Operator;
using Cmp.Kubernetes.Resources;
using Cmp.Primitives;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cmp.ControlPlane.Operator.Reconcilers;

/// <summary>
/// One AgentInstance (mirrored by <see cref="InstanceMirror"/>) against its instance in the control plane:
/// <list type="bullet">
/// <item>a new <c>spec.desiredState</c> (a generation the status has not observed yet: a human edited it) is applied
/// through <see cref="InstanceLifecycleHandler"/> with the platform team as actor — Suspended suspends, Ready lifts a
/// platform suspension; a tenant's own suspension is left to the tenant, and a refunded instance stays suspended
/// (the <c>Ready</c> condition says why);</item>
/// <item>otherwise the database is the truth: if an admin suspended or resumed the instance through the API, the spec
/// follows, so <c>kubectl</c> shows it and the next edit starts from it;</item>
/// <item>the status (phase, <c>Provisioned</c>/<c>Suspended</c>/<c>Ready</c>, flow id, endpoint) is written from the
/// instance;</item>
/// <item>deleting the object deletes the instance (keys revoked at once, flow removed by the provisioning worker)
/// and the finalizer is removed only once the flow is gone.</item>
/// </list>
/// </summary>
/// <remarks>RBAC: agentinstances get/list/watch/create/update/patch/delete, agentinstances/status update,
/// agentinstances/finalizers update, events create/patch.</remarks>
sealed class AgentInstanceReconciler(
    ControlPlaneDbContext db,
    InstanceLifecycleHandler lifecycle,
    ProvisioningSignal provisioning,
    IOptions<InstanceMirrorOptions> options) : IReconciler<AgentInstance>, IFinalizer<AgentInstance>
{
    /// <summary>The platform team, as the control plane's rules know it: may suspend and resume anything.</summary>
    static readonly Caller Platform = new(IsAdmin: true, IsService: false, TenantId: null);

    public string FinalizerName => Finalizers.Instance;

    public async Task<ReconcileResult> ReconcileAsync(AgentInstance obj, ReconcileContext<AgentInstance> ctx, CancellationToken ct)
    {
        var id = InstanceObjects.InstanceIdOf(obj, MirrorNamespace(ctx));
        if (id is null)
            return await UnmirroredAsync(obj, ctx, InstanceReasons.NotMirrored,
                $"Not a mirror of an instance: AgentInstances are created by the control plane in namespace {MirrorNamespace(ctx)}, named by the instance id. Create instances through a purchase or POST /v1/instances.", ct);
        var instance = await LoadAsync(id.Value, ct);
        if (instance is null)
            return await UnmirroredAsync(obj, ctx, InstanceReasons.InstanceNotFound, $"The control plane has no instance {id}.", ct);

        Refusal? refusal = null;
        var newIntent = obj.Status?.ObservedGeneration != obj.Metadata.Generation;
        if (instance.Status != InstanceStatus.Deleted && newIntent)
        {
            var applied = await ApplyDesiredStateAsync(obj, instance, ctx, ct);
            if (!applied.IsSuccess) return applied.Error;
            refusal = applied.Value;
            instance = await LoadAsync(id.Value, ct) ?? instance;
        }
        else if (instance.Status != InstanceStatus.Deleted && Reflected(instance) is { } reflected && reflected != obj.Spec.DesiredState && ctx.Client is not null)
        {
            obj.Spec.DesiredState = reflected;
            var replaced = await ctx.Client.ReplaceAsync(obj, ct);
            // 409: someone (a human) edited it meanwhile; their edit is a new intent, handled on the next reconcile.
            if (!replaced.IsSuccess) return replaced.Error.IsConflict() ? ReconcileResult.Retry : replaced.Error;
            obj = replaced.Value;
            await ctx.NormalEventAsync(obj, "DesiredStateFollowed",
                $"spec.desiredState set to {reflected}: the instance was {(reflected == DesiredStates.Suspended ? "suspended" : "resumed")} through the control plane's API.", ct);
        }

        var current = instance;
        var endpoint = options.Value.EndpointFor(current.Id);
        var acted = obj.Metadata.Generation;
        var written = await ctx.UpdateStatusAsync(obj, o => InstanceStatusProjection.Apply(o, acted, current, endpoint, refusal, ctx.Now), ct);
        if (!written.IsSuccess) return written.Error;
        // Nothing to poll: the mirror re-triggers this reconcile whenever the instance changes.
        return ReconcileResult.Done;
    }

    public async Task<ReconcileResult> FinalizeAsync(AgentInstance obj, ReconcileContext<AgentInstance> ctx, CancellationToken ct)
    {
        if (InstanceObjects.InstanceIdOf(obj, MirrorNamespace(ctx)) is not { } id) return ReconcileResult.Done;
        var instance = await LoadAsync(id, ct);
        if (instance is null) return ReconcileResult.Done;
        var collected = await CollectedWithOfferingAsync(obj, ctx, ct);
        if (!collected.IsSuccess) return collected.Error;
        if (instance.Status != InstanceStatus.Deleted && collected.Value is { } offering)
        {
            // Deleting an AgentOffering takes it off sale; it must not deprovision what customers paid for. The garbage
            // collector deletes the objects it owns, so let this one go and leave the instance alone: the mirror's next
            // resync recreates the object without the owner.
            await ctx.NormalEventAsync(obj, "OwnerDeleted",
                $"AgentOffering {offering} was deleted: the object goes, instance {id} keeps running (re-mirrored at the next resync).", ct);
            return ReconcileResult.Done;
        }
        if (instance.Status != InstanceStatus.Deleted)
        {
            var deleted = await lifecycle.DeleteAsync(id, Platform, ct);
            if (!deleted.IsSuccess) return deleted.Error.Kind == ErrorKind.NotFound ? ReconcileResult.Done : deleted.Error;
            provisioning.Pulse();   // the worker removes the flow now rather than at its next poll
            await ctx.NormalEventAsync(obj, InstanceReasons.Deleting, $"Instance {id} deleted in the control plane: API keys revoked, removing its Langflow flow.", ct);
            instance = await LoadAsync(id, ct) ?? instance;
        }
        var current = instance;
        if (current.NextAttemptAt is not null)
        {
            // The provisioning worker is still removing the flow (it retries with backoff): keep the object until it is gone.
            var acted = obj.Metadata.Generation;
            var written = await ctx.UpdateStatusAsync(obj, o => InstanceStatusProjection.Apply(o, acted, current, null, null, ctx.Now), ct);
            if (!written.IsSuccess && !written.Error.IsNotFound()) return written.Error;
            return ReconcileResult.After(options.Value.DeletionCheckInterval);
        }
        // The worker gave up removing the flow after its retries: the instance is deleted and its keys revoked, so let
        // the object go, but say so loudly: the flow must be removed from Langflow by hand.
        if (current.StatusReason?.Contains("failed", StringComparison.OrdinalIgnoreCase) == true)
            await ctx.WarningEventAsync(obj, "FlowRemovalFailed", $"Instance {id} is deleted but its flow {current.FlowId} could not be removed: {current.StatusReason}", ct);
        else
            await ctx.NormalEventAsync(obj, InstanceReasons.Deleted, $"Instance {id} deleted: keys revoked, flow {current.FlowId} removed.", ct);
        return ReconcileResult.Done;
    }

    /// <summary>The owning AgentOffering's name when it is gone or going (so this deletion is the garbage collector's
    /// cascade, not a human's decision), else null. Other lookup failures are retried: guessing could deprovision.</summary>
    static async Task<Result<string?>> CollectedWithOfferingAsync(AgentInstance obj, ReconcileContext<AgentInstance> ctx, CancellationToken ct)
    {
        var owner = obj.Metadata.OwnerReferences?.FirstOrDefault(r => r.Kind == AgentOffering.Resource.Kind && r.ApiVersion == AgentOffering.Resource.ApiVersion);
        if (owner is null || ctx.Client is null) return Result<string?>.Success(null);
        var read = await ctx.Client.GetAsync<AgentOffering>(owner.Name, obj.Metadata.Namespace, ct);
        if (read.IsSuccess)
            return Result<string?>.Success(read.Value.Metadata.Uid != owner.Uid || read.Value.Metadata.IsBeingDeleted ? owner.Name : null);
        return read.Error.IsNotFound() ? Result<string?>.Success(owner.Name) : read.Error;
    }

    /// <summary>Applies a desired state a human set; returns why it could not be applied, if so.</summary>
    async Task<Result<Refusal?>> ApplyDesiredStateAsync(AgentInstance obj, Instance instance, ReconcileContext<AgentInstance> ctx, CancellationToken ct)
    {
        var suspendedByPlatform = instance.Status == InstanceStatus.Suspended && instance.SuspendedBy is SuspendedBy.Platform or SuspendedBy.Refund;
        if (obj.Spec.DesiredState == DesiredStates.Suspended)
        {
            if (suspendedByPlatform) return Result<Refusal?>.Success(null);
            var suspended = await lifecycle.SuspendAsync(instance.Id, Platform, SuspendedBy.Platform,
                $"suspended by the platform team with kubectl (AgentInstance {obj.Key})", ct);
            if (!suspended.IsSuccess) return Refuse(suspended.Error);
            await ctx.NormalEventAsync(obj, InstanceReasons.SuspendedByPlatform, $"Instance {instance.Id} suspended: runs are refused until spec.desiredState is Ready.", ct);
            return Result<Refusal?>.Success(null);
        }
        // Ready lifts the platform's suspension only: a tenant's own suspension is theirs to lift.
        if (instance.Status != InstanceStatus.Suspended || instance.SuspendedBy == SuspendedBy.Tenant) return Result<Refusal?>.Success(null);
        var resumed = await lifecycle.ResumeAsync(instance.Id, Platform, ct);
        if (!resumed.IsSuccess) return Refuse(resumed.Error);
        if (resumed.Value.Status == nameof(InstanceStatus.Provisioning)) provisioning.Pulse();
        await ctx.NormalEventAsync(obj, "Resumed", $"Instance {instance.Id} resumed ({resumed.Value.Status}).", ct);
        return Result<Refusal?>.Success(null);
    }

    /// <summary>The lifecycle's rules refusing a desired state become a condition (and wait for the next edit);
    /// anything else (contention, the database) is retried.</summary>
    static Result<Refusal?> Refuse(Error e) => e.Kind switch
    {
        ErrorKind.Conflict or ErrorKind.Validation or ErrorKind.Forbidden => Result<Refusal?>.Success(new Refusal(
            e.Code == "instance_refunded" ? InstanceReasons.Refunded : InstanceReasons.DesiredStateRefused,
            $"spec.desiredState cannot be applied: {e.Message}")),
        _ => e,
    };

    /// <summary>The desired state the database implies, when the spec should follow it (an admin used the API).
    /// A refund is not followed: the human's Ready stays, and the Ready condition explains why it cannot be.</summary>
    static string? Reflected(Instance i) =>
        i.Status == InstanceStatus.Suspended && i.SuspendedBy == SuspendedBy.Refund ? null : InstanceObjects.DesiredStateOf(i);

    async Task<ReconcileResult> UnmirroredAsync(AgentInstance obj, ReconcileContext<AgentInstance> ctx, string reason, string message, CancellationToken ct)
    {
        var acted = obj.Metadata.Generation;
        var written = await ctx.UpdateStatusAsync(obj, o => InstanceStatusProjection.Unmirrored(o, acted, reason, message, ctx.Now), ct);
        return written.IsSuccess ? ReconcileResult.Done : written.Error;
    }

    Task<Instance?> LoadAsync(Guid id, CancellationToken ct) => db.Instances.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id, ct);

    string MirrorNamespace(ReconcileContext<AgentInstance> ctx) =>
        options.Value.Namespace is { Length: > 0 } ns ? ns : ctx.Client?.DefaultNamespace ?? "default";
}
