using Cmp.ControlPlane.Client;
using Cmp.ControlPlane.Contracts;
using Cmp.Primitives;
using Cmp.Provisioner.Features.WriteBack;
using Cmp.Saleor.Webhooks;

namespace Cmp.Provisioner.Features.RevokeOrder;

/// <summary>
/// A refunded or cancelled order loses what it bought: its instances are suspended for good and the unspent credits
/// it granted are clawed back (never below zero; the control plane records any shortfall). The revocation is
/// recorded first, so a paid event that arrives late does not provision the order afterwards.
/// </summary>
public sealed class RevokeOrder(IControlPlaneClient controlPlane, OrderStates orders, SaleorWriteBack writeBack, ILogger<RevokeOrder> log)
{
    public async Task<Result<string>> HandleAsync(SaleorOrderEvent revoked, string saleorEvent, CancellationToken ct)
    {
        var order = revoked.Order;
        await orders.MarkRevokedAsync(order.Id, order.Number, saleorEvent, ct);

        var instances = await controlPlane.ListOrderInstancesAsync(order.Id, ct);
        if (!instances.IsSuccess) return instances.Error;
        var suspended = 0;
        foreach (var instance in instances.Value.Where(i => i.Status != "Deleted"))
        {
            var r = await controlPlane.SuspendInstanceAsync(instance.Id,
                new SuspendRequest($"order {order.Number}: {saleorEvent.Replace('_', ' ')}", Cause: "refund"), ct);
            if (!r.IsSuccess) return r.Error;
            suspended++;
        }

        // The tenant is known from the instances, or from the order's e-mail (credit-only orders).
        var tenantIds = instances.Value.Select(i => i.TenantId).ToHashSet();
        if (tenantIds.Count == 0 && !string.IsNullOrWhiteSpace(order.UserEmail))
        {
            var tenant = await controlPlane.ResolveTenantAsync(new ResolveTenantRequest(order.UserEmail, order.UserId), ct);
            if (!tenant.IsSuccess) return tenant.Error;
            tenantIds.Add(tenant.Value.Id);
        }
        long clawedBack = 0, shortfall = 0;
        foreach (var tenantId in tenantIds)
        {
            var c = await controlPlane.ClawBackAsync(tenantId, new ClawBackRequest(order.Id, $"order {order.Number}: {saleorEvent.Replace('_', ' ')}"), ct);
            if (!c.IsSuccess) return c.Error;
            clawedBack += c.Value.Amount;
            shortfall += c.Value.Shortfall;
        }

        var tagged = await writeBack.TagAsync(order.Id, new Dictionary<string, string> { [SaleorWriteBack.Keys.Provisioning] = "revoked" }, ct);
        if (!tagged.IsSuccess) return tagged.Error;
        var summary = $"order {order.Number} {saleorEvent}: {suspended} instance(s) suspended, {clawedBack} credits clawed back"
                      + (shortfall > 0 ? $", {shortfall} already spent (shortfall)" : "");
        log.LogInformation("{Summary}", summary);
        return summary;
    }
}
