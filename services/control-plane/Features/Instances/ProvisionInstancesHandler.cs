using Cmp.ControlPlane.Domain;
using Cmp.ControlPlane.Infrastructure.Data;
using Cmp.ControlPlane.Infrastructure.Flows;
using Cmp.Primitives;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cmp.ControlPlane.Features.Instances;

/// <summary>
/// Makes Provisioning instances Ready by importing their flow into Langflow, and removes the flows of deleted ones.
/// Rows are claimed briefly (a lease in <c>next_attempt_at</c>, taken with SKIP LOCKED so replicas share the work),
/// the slow call happens outside any transaction, and the outcome is recorded against fresh state: a suspension or
/// deletion that happened meanwhile wins. Failures back off exponentially with jitter and are visible in the status.
/// </summary>
sealed class ProvisionInstancesHandler(
    ControlPlaneDbContext db, IFlowDeployer flows, FlowTemplateCatalog templates, TimeProvider clock,
    IOptions<ProvisioningOptions> options, ILogger<ProvisionInstancesHandler> log)
{
    ProvisioningOptions O => options.Value;

    /// <summary>Processes one batch of due instances; returns how many it handled.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var claimed = await db.Database.SqlQuery<Guid>($"""
            UPDATE instances SET next_attempt_at = {now + O.Lease}
             WHERE id IN (SELECT id FROM instances
                           WHERE next_attempt_at <= {now} AND status IN ('provisioning', 'deleted')
                           ORDER BY next_attempt_at LIMIT {O.BatchSize} FOR UPDATE SKIP LOCKED)
            RETURNING id AS "Value"
            """).ToListAsync(ct);
        foreach (var id in claimed)
        {
            db.ChangeTracker.Clear();
            await ProcessAsync(id, ct);
        }
        return claimed.Count;
    }

    async Task ProcessAsync(Guid id, CancellationToken ct)
    {
        var instance = await db.Instances.AsNoTracking().SingleAsync(i => i.Id == id, ct);
        var deleting = instance.Status == InstanceStatus.Deleted;
        Result<Unit> outcome;
        try
        {
            outcome = deleting ? await flows.DeleteAsync(instance.FlowId, ct) : await ImportAsync(instance, ct);
        }
        catch (Exception e) when (Cmp.Hosting.Http.RemoteErrors.IsTransport(e) && !ct.IsCancellationRequested)
        {
            outcome = Cmp.Hosting.Http.RemoteErrors.FromException(e, "runner");
        }
        await RecordAsync(id, deleting, outcome, ct);
    }

    async Task<Result<Unit>> ImportAsync(Instance instance, CancellationToken ct)
    {
        var offering = await db.Offerings.AsNoTracking().SingleAsync(o => o.Sku == instance.OfferingSku, ct);
        if (offering.FlowTemplate is null || !templates.Exists(offering.FlowTemplate))
            return Error.Permanent("flow_template_missing", $"offering {offering.Sku} names flow template '{offering.FlowTemplate}', which does not exist");
        return await flows.ImportAsync(instance.FlowId, templates.Build(offering.FlowTemplate, instance.FlowId, instance.Id, offering.Sku), ct);
    }

    async Task RecordAsync(Guid id, bool deleting, Result<Unit> outcome, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            db.ChangeTracker.Clear();
            var i = await db.Instances.SingleAsync(x => x.Id == id, ct);
            var now = clock.GetUtcNow();
            i.ProvisioningAttempts++;
            i.UpdatedAt = now;
            if (outcome.IsSuccess) Succeeded(i, deleting);
            else Failed(i, deleting, outcome.Error, now);
            try
            {
                await db.SaveChangesAsync(ct);
                return;
            }
            catch (DbUpdateConcurrencyException)
            {
                // Changed meanwhile (suspended, deleted…): decide again on the fresh row.
            }
        }
    }

    void Succeeded(Instance i, bool deleting)
    {
        if (deleting || i.Status != InstanceStatus.Deleted) i.NextAttemptAt = null;
        if (deleting) { i.StatusReason = "deleted; its flow was removed"; return; }
        switch (i.Status)
        {
            case InstanceStatus.Provisioning:
                i.Status = InstanceStatus.Ready;
                i.StatusReason = null;
                log.LogInformation("Instance {Instance} is Ready (flow {Flow})", i.Id, i.FlowId);
                break;
            case InstanceStatus.Deleted:
                i.NextAttemptAt = clock.GetUtcNow();   // deleted while importing: the flow must go again
                break;
        }
    }

    void Failed(Instance i, bool deleting, Error error, DateTimeOffset now)
    {
        var what = deleting ? "removing the flow" : "importing the flow";
        var permanent = error.Kind is not (ErrorKind.Transient or ErrorKind.Timeout or ErrorKind.Upstream or ErrorKind.RateLimited);
        if (permanent || i.ProvisioningAttempts >= O.MaxAttempts)
        {
            i.NextAttemptAt = null;
            if (!deleting && i.Status == InstanceStatus.Provisioning) i.Status = InstanceStatus.Failed;
            i.StatusReason = $"{what} failed after {i.ProvisioningAttempts} attempt(s): {error.Message}";
            log.LogWarning("Instance {Instance}: {What} gave up: {Error}", i.Id, what, error);
            return;
        }
        var delay = Backoff(i.ProvisioningAttempts);
        i.NextAttemptAt = now + delay;
        i.StatusReason = $"{what} failed (attempt {i.ProvisioningAttempts} of {O.MaxAttempts}), retrying in {delay.TotalSeconds:F0}s: {error.Message}";
        log.LogInformation("Instance {Instance}: {What} failed, retry in {Delay}: {Error}", i.Id, what, delay, error);
    }

    /// <summary>Exponential with full jitter on the upper half: spreads retries of many instances after an outage.</summary>
    TimeSpan Backoff(int attempts)
    {
        var exp = O.BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempts - 1, 20));
        var capped = Math.Min(exp, O.MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped / 2 + Random.Shared.NextDouble() * capped / 2);
    }
}
