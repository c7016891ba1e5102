using System.Globalization;
using Cmp.ControlPlane.Client;
using Cmp.ControlPlane.Contracts;
using Cmp.Primitives;
using Cmp.Provisioner.Domain;
using Cmp.Provisioner.Features.WriteBack;
using Cmp.Saleor.Client;
using Cmp.Saleor.Webhooks;
using Microsoft.Extensions.Options;

namespace Cmp.Provisioner.Features.ProvisionOrder;

/// <summary>
/// A paid order becomes agent instances and credits, exactly once. Every step is idempotent — the tenant is found
/// by e-mail, instances are keyed (order, line, unit), grants (order, line) — so a crash anywhere, a retried
/// delivery or a second ORDER_FULLY_PAID for the same order only repeats steps that then change nothing. An order
/// already refunded or cancelled (here or in Saleor) is not provisioned.
/// </summary>
public sealed class ProvisionOrder(IControlPlaneClient controlPlane, ISaleorClient saleor, OrderStates orders, SaleorWriteBack writeBack,
    IOptions<ProvisioningOptions> options, ILogger<ProvisionOrder> log)
{
    public async Task<Result<string>> HandleAsync(SaleorOrderEvent paid, CancellationToken ct)
    {
        var order = paid.Order;
        if ((await orders.GetAsync(order.Id, ct))?.RevokedAt is { } revokedAt)
            return $"not provisioned: order {order.Number} was refunded or cancelled at {revokedAt:O}";

        var live = await saleor.GetOrderAsync(order.Id, ct);
        if (!live.IsSuccess) return live.Error;
        if (live.Value.Status is "CANCELED" or "EXPIRED" || live.Value.TotalRefunded.Amount > 0 && live.Value.TotalRefunded.Amount >= live.Value.Total.Gross.Amount)
            return $"not provisioned: order {order.Number} is {live.Value.Status.ToLowerInvariant()} with {live.Value.TotalRefunded.Amount} refunded in Saleor";

        var email = order.UserEmail;
        if (string.IsNullOrWhiteSpace(email))
            return Error.Validation("order_without_email", $"Order {order.Number} has no e-mail, so it cannot be given to a tenant. Set the customer e-mail in Saleor, then replay.");
        var tenant = await controlPlane.ResolveTenantAsync(new ResolveTenantRequest(email, order.UserId), ct);
        if (!tenant.IsSuccess) return tenant.Error;

        var offerings = await OfferingsAsync(order.Lines.Select(l => l.Sku).OfType<string>().Distinct(), ct);
        if (!offerings.IsSuccess) return offerings.Error;
        var plan = ProvisioningPlan.For(order.Id, order.Lines.Select(l => new PlannedLine(l.Id, l.Sku, l.Quantity)), offerings.Value,
            options.Value.MaxUnitsPerLine);
        if (!plan.IsSuccess) return plan.Error;

        var instanceIds = new List<Guid>();
        foreach (var unit in plan.Value.Agents)
        {
            var created = await controlPlane.CreateInstanceAsync(
                new CreateInstanceRequest(tenant.Value.Id, unit.Sku, new InstanceSource(order.Id, unit.LineId, unit.Unit)), unit.IdempotencyKey, ct);
            if (!created.IsSuccess) return created.Error;
            instanceIds.Add(created.Value.Id);
        }
        long credits = 0;
        foreach (var grant in plan.Value.Credits)
        {
            var granted = await controlPlane.GrantCreditsAsync(tenant.Value.Id,
                new GrantRequest(grant.Amount, order.Id, $"{grant.Sku} in order {order.Number}"), grant.IdempotencyKey, ct);
            if (!granted.IsSuccess) return granted.Error;
            credits += grant.Amount;
        }

        var summary = Summary(plan.Value, instanceIds, credits);
        var writtenBack = await WriteBackAsync(order.Id, plan.Value, tenant.Value.Id, instanceIds, credits, ct);
        if (!writtenBack.IsSuccess) return writtenBack.Error;
        await orders.MarkProvisionedAsync(order.Id, order.Number, tenant.Value.Id, summary, ct);
        log.LogInformation("Order {Order} provisioned for tenant {Tenant}: {Summary}", order.Number, tenant.Value.Id, summary);
        return $"order {order.Number}: {summary}";
    }

    /// <summary>SKUs the control plane does not know come back absent (the plan skips their lines); other failures stop here.</summary>
    async Task<Result<IReadOnlyDictionary<string, OfferingTerms>>> OfferingsAsync(IEnumerable<string> skus, CancellationToken ct)
    {
        var terms = new Dictionary<string, OfferingTerms>(StringComparer.Ordinal);
        foreach (var sku in skus)
        {
            var offering = await controlPlane.GetOfferingAsync(sku, ct);
            if (offering.IsSuccess) terms[sku] = new OfferingTerms(sku, offering.Value.Kind == "agent", offering.Value.CreditsPerUnit);
            else if (offering.Error.Kind != ErrorKind.NotFound) return offering.Error;
        }
        return terms;
    }

    async Task<Result<Unit>> WriteBackAsync(string orderId, ProvisioningPlan plan, Guid tenantId, List<Guid> instanceIds, long credits, CancellationToken ct)
    {
        var tags = new Dictionary<string, string>
        {
            [SaleorWriteBack.Keys.Provisioning] = "done",
            [SaleorWriteBack.Keys.Tenant] = tenantId.ToString(),
            [SaleorWriteBack.Keys.Instances] = string.Join(',', instanceIds),
            [SaleorWriteBack.Keys.Credits] = credits.ToString(CultureInfo.InvariantCulture),
        };
        if (plan.Skipped.Count > 0) tags[SaleorWriteBack.Keys.Skipped] = string.Join("; ", plan.Skipped.Select(s => $"{s.LineId}: {s.Reason}"));
        if (options.Value.FulfilDigitalLines)
        {
            var delivered = plan.Agents.Select(a => a.LineId).Concat(plan.Credits.Select(c => c.LineId)).ToHashSet();
            var fulfilled = await writeBack.FulfilDigitalLinesAsync(orderId, delivered, ct);
            if (!fulfilled.IsSuccess) return fulfilled.Error;
        }
        // Last: "cmp.provisioning = done" in Saleor means everything above has happened.
        return await writeBack.TagAsync(orderId, tags, ct);
    }

    static string Summary(ProvisioningPlan plan, List<Guid> instances, long credits)
    {
        var parts = new List<string> { $"{instances.Count} instance(s)", $"{credits} credits" };
        if (plan.Skipped.Count > 0) parts.Add($"{plan.Skipped.Count} line(s) skipped ({string.Join("; ", plan.Skipped.Select(s => s.Reason))})");
        return string.Join(", ", parts);
    }
}
