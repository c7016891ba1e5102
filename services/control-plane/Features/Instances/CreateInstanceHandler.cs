using Cmp.ControlPlane.Features;
using Cmp.ControlPlane.Domain;
using Cmp.ControlPlane.Features.Credits;
using Cmp.ControlPlane.Infrastructure.Data;
using Cmp.Primitives;
using Microsoft.EntityFrameworkCore;

namespace Cmp.ControlPlane.Features.Instances;

/// <summary>
/// Creates one agent instance (status Provisioning; the provisioning worker then imports its flow) and grants the
/// credits included with its plan, in one transaction. The idempotency key — the provisioner derives it from
/// (order, line, unit) — is unique in the database, so a repeated call returns the first instance and grants nothing.
/// </summary>
sealed class CreateInstanceHandler(ControlPlaneDbContext db, LedgerWriter ledger, TimeProvider clock)
{
    public async Task<Result<(InstanceView Instance, bool Created)>> CreateAsync(CreateInstance c, CancellationToken ct)
    {
        var offering = await db.Offerings.AsNoTracking().SingleOrDefaultAsync(o => o.Sku == c.OfferingSku, ct);
        if (offering is null) return InstanceErrors.OfferingNotFound(c.OfferingSku);
        if (offering.Kind != OfferingKind.Agent) return InstanceErrors.NotAnAgent(c.OfferingSku);
        if (!await db.Tenants.AnyAsync(t => t.Id == c.TenantId, ct)) return CreditErrors.TenantNotFound(c.TenantId);

        var now = clock.GetUtcNow();
        var instance = new Instance
        {
            Id = Guid.CreateVersion7(), TenantId = c.TenantId, OfferingSku = offering.Sku, Status = InstanceStatus.Provisioning,
            StatusReason = "importing the agent's flow", FlowId = Guid.NewGuid(), IdempotencyKey = c.IdempotencyKey,
            SourceOrderId = c.Source?.OrderId, SourceLineId = c.Source?.LineId, SourceUnit = c.Source?.Unit,
            NextAttemptAt = now, CreatedAt = now, UpdatedAt = now,
        };
        return await Transactions.IdempotentAsync<(InstanceView, bool)>(db,
            async () =>
            {
                db.Instances.Add(instance);
                await db.SaveChangesAsync(ct);
                if (offering.CreditsPerUnit > 0)
                    await ledger.ApplyAsync(new CreditEntry
                    {
                        TenantId = c.TenantId, Kind = CreditEntryKind.Grant, Amount = offering.CreditsPerUnit,
                        BalanceDelta = offering.CreditsPerUnit, IdempotencyKey = $"instance:{c.IdempotencyKey}",
                        InstanceId = instance.Id, OrderId = c.Source?.OrderId, Reason = $"credits included with {offering.Sku}",
                    }, ct);
                return (Views.Of(instance, offering), true);
            },
            async () =>
            {
                var first = await db.Instances.AsNoTracking().SingleOrDefaultAsync(i => i.IdempotencyKey == c.IdempotencyKey, ct);
                if (first is null || first.TenantId != c.TenantId || first.OfferingSku != c.OfferingSku) return CreditErrors.KeyReused(c.IdempotencyKey);
                return (Views.Of(first, offering), false);
            },
            ct);
    }
}
