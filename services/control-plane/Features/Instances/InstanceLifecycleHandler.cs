using Cmp.ControlPlane.Features;
using Cmp.ControlPlane.Domain;
using Cmp.ControlPlane.Features.Callers;
using Cmp.ControlPlane.Infrastructure.Data;
using Cmp.Primitives;
using Microsoft.EntityFrameworkCore;

namespace Cmp.ControlPlane.Features.Instances;

/// <summary>
/// Suspend, resume, delete and retry. Each is idempotent (asking for the state an instance is already in succeeds)
/// and uses optimistic concurrency, so a worker finishing a flow import and a suspension never overwrite each other.
/// </summary>
sealed class InstanceLifecycleHandler(ControlPlaneDbContext db, TimeProvider clock)
{
    public Task<Result<InstanceView>> SuspendAsync(Guid id, Caller caller, SuspendedBy by, string? reason, CancellationToken ct) =>
        ChangeAsync(id, caller, i =>
        {
            if (i.Status == InstanceStatus.Deleted) return InstanceErrors.Deleted(id);
            // A refund outranks any earlier suspension: it must stay suspended for good.
            if (i.Status == InstanceStatus.Suspended && (i.SuspendedBy == by || i.SuspendedBy == SuspendedBy.Refund)) return Unit.Value;
            i.Status = InstanceStatus.Suspended;
            i.SuspendedBy = by;
            i.StatusReason = reason ?? $"suspended by {by.ToString().ToLowerInvariant()}";
            return Unit.Value;
        }, ct);

    public Task<Result<InstanceView>> ResumeAsync(Guid id, Caller caller, CancellationToken ct) =>
        ChangeAsync(id, caller, i =>
        {
            if (i.Status is InstanceStatus.Ready or InstanceStatus.Provisioning) return Unit.Value;
            if (i.Status != InstanceStatus.Suspended) return InstanceErrors.NotSuspended(id, i.Status);
            if (i.SuspendedBy == SuspendedBy.Refund) return InstanceErrors.RefundedCannotResume(id);
            if (i.SuspendedBy == SuspendedBy.Platform && !caller.IsPrivileged) return InstanceErrors.SuspendedByPlatform(id);
            // Suspended before its flow was imported: provisioning carries on where it stopped.
            i.Status = i.NextAttemptAt is null ? InstanceStatus.Ready : InstanceStatus.Provisioning;
            i.SuspendedBy = null;
            i.StatusReason = i.Status == InstanceStatus.Ready ? null : "importing the agent's flow";
            return Unit.Value;
        }, ct);

    /// <summary>Marks the instance deleted and revokes its keys at once; the worker then removes its Langflow flow.</summary>
    public Task<Result<InstanceView>> DeleteAsync(Guid id, Caller caller, CancellationToken ct) =>
        ChangeAsync(id, caller, i =>
        {
            if (i.Status == InstanceStatus.Deleted) return Unit.Value;
            i.Status = InstanceStatus.Deleted;
            i.StatusReason = "deleted; removing its flow";
            i.NextAttemptAt = clock.GetUtcNow();
            i.ProvisioningAttempts = 0;
            return Unit.Value;
        }, ct, revokeKeys: true);

    public Task<Result<InstanceView>> RetryAsync(Guid id, Caller caller, CancellationToken ct) =>
        ChangeAsync(id, caller, i =>
        {
            if (i.Status == InstanceStatus.Provisioning) return Unit.Value;
            if (i.Status != InstanceStatus.Failed) return InstanceErrors.NotFailed(id, i.Status);
            i.Status = InstanceStatus.Provisioning;
            i.StatusReason = "retrying the flow import";
            i.ProvisioningAttempts = 0;
            i.NextAttemptAt = clock.GetUtcNow();
            return Unit.Value;
        }, ct);

    async Task<Result<InstanceView>> ChangeAsync(Guid id, Caller caller, Func<Instance, Result<Unit>> change, CancellationToken ct, bool revokeKeys = false)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var instance = await db.Instances.SingleOrDefaultAsync(i => i.Id == id, ct);
            if (instance is null || !caller.CanSee(instance.TenantId)) return InstanceErrors.NotFound(id);
            var before = (instance.Status, instance.SuspendedBy, instance.NextAttemptAt);
            var result = change(instance);
            if (!result.IsSuccess) return result.Error;
            if (before != (instance.Status, instance.SuspendedBy, instance.NextAttemptAt)) instance.UpdatedAt = clock.GetUtcNow();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            try
            {
                await db.SaveChangesAsync(ct);
                if (revokeKeys)
                    await db.ApiKeys.Where(k => k.InstanceId == id && k.RevokedAt == null)
                        .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, clock.GetUtcNow()), ct);
                await tx.CommitAsync(ct);
                var offering = await db.Offerings.AsNoTracking().SingleOrDefaultAsync(o => o.Sku == instance.OfferingSku, ct);
                return Views.Of(instance, offering);
            }
            catch (DbUpdateConcurrencyException)
            {
                await tx.RollbackAsync(CancellationToken.None);
                db.ChangeTracker.Clear();   // someone else changed it: decide again on fresh state
            }
        }
        return InstanceErrors.Contention(id);
    }
}
