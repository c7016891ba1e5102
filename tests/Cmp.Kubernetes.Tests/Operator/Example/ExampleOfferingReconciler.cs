using Cmp.Kubernetes.Model;
using Cmp.Kubernetes.Operator;
using Cmp.Kubernetes.Resources;

namespace Cmp.Kubernetes.Tests.Operator.Example;

/// <summary>
/// A complete reconciler written against the runtime, exercising every mechanic the control plane's AgentOffering
/// reconciler needs: finalizer-guarded cleanup of external state, an owned child object (recreated if deleted,
/// garbage-collected with the owner), conditions with reasons and observedGeneration written through the status
/// subresource, events, transient failures retried with backoff, permanent failures parked until the spec changes.
/// It is the template for services/control-plane/Operator/Reconcilers/.
/// </summary>
public sealed class ExampleOfferingReconciler(FakeCatalog catalog, ReplicaTag replica) : IReconciler<AgentOffering>, IFinalizer<AgentOffering>
{
    public const string Finalizer = "cmp.dev/catalog-cleanup";

    // Reasons: CamelCase, stable, documented with the condition types in Resources/CmpApi.cs.
    public const string ReasonSynced = "CatalogSynced";
    public const string ReasonDisabled = "Disabled";
    public const string ReasonUnavailable = "CatalogUnavailable";
    public const string ReasonUnknownTemplate = "UnknownFlowTemplate";

    public string FinalizerName => Finalizer;

    public async Task<ReconcileResult> ReconcileAsync(AgentOffering offering, ReconcileContext<AgentOffering> ctx, CancellationToken ct)
    {
        var spec = offering.Spec;
        var generation = offering.Metadata.Generation;

        if (spec.FlowTemplate is { } template && !FakeCatalog.KnownTemplates.Contains(template.Name))
        {
            // Retrying cannot fix a wrong template name; say so in the status and wait for a spec change.
            await SetStatus(offering, ctx, "Failed", false, ReasonUnknownTemplate, $"Flow template '{template.Name}' does not exist.", null, ct);
            await ctx.WarningEventAsync(offering, ReasonUnknownTemplate, $"Flow template '{template.Name}' does not exist.", ct);
            return Cmp.Primitives.Error.Validation("unknown_flow_template", $"Flow template '{template.Name}' does not exist.");
        }

        var price = spec.ToMoney();
        if (!price.IsSuccess) return price.Error;
        var product = await catalog.UpsertAsync(new FakeCatalog.Product(spec.Sku, spec.DisplayName, price.Value.Minor, price.Value.Currency,
            spec.Enabled, replica.Name, generation ?? 0), ct);
        if (!product.IsSuccess)
        {
            await SetStatus(offering, ctx, "Pending", false, ReasonUnavailable, product.Error.Message, null, ct);
            return product.Error;   // transient: the runtime retries with backoff
        }

        if (ctx.Client is not null)
        {
            var child = await ctx.ApplyOwnedAsync(offering, new ConfigMap
            {
                Metadata = new ObjectMeta { Name = $"{offering.Metadata.Name}-catalog", Labels = new() { ["cmp.dev/offering"] = offering.Metadata.Name } },
                Data = new() { ["sku"] = spec.Sku, ["priceMinor"] = price.Value.Minor.ToString(System.Globalization.CultureInfo.InvariantCulture), ["productId"] = product.Value },
            }, ct);
            if (!child.IsSuccess) return child.Error;
        }

        var (phase, reason, message) = spec.Enabled
            ? ("Ready", ReasonSynced, $"Product {product.Value} is in the catalog at {price.Value}.")
            : ("Disabled", ReasonDisabled, "The offering is disabled; its product is hidden.");
        var written = await SetStatus(offering, ctx, phase, spec.Enabled, reason, message, product.Value, ct);
        if (!written.IsSuccess) return written.Error;
        if (written.Value.changed) await ctx.NormalEventAsync(offering, reason, message, ct);
        return ReconcileResult.Done;
    }

    public async Task<ReconcileResult> FinalizeAsync(AgentOffering offering, ReconcileContext<AgentOffering> ctx, CancellationToken ct)
    {
        await catalog.RemoveAsync(offering.Spec.Sku);
        await ctx.NormalEventAsync(offering, "Removed", $"Product for {offering.Spec.Sku} removed from the catalog.", ct);
        return ReconcileResult.Done;
    }

    static async Task<Cmp.Primitives.Result<(AgentOffering updated, bool changed)>> SetStatus(AgentOffering offering, ReconcileContext<AgentOffering> ctx,
        string phase, bool ready, string reason, string message, string? productId, CancellationToken ct)
    {
        var before = offering.Status?.Conditions.Get(CmpConditions.Ready)?.Reason;
        var result = await ctx.UpdateStatusAsync(offering, o =>
        {
            // Computed from the object handed in (fresh after a conflict), never from captured state.
            o.Status ??= new AgentOfferingStatus();
            o.Status.ObservedGeneration = o.Metadata.Generation;
            o.Status.Phase = phase;
            o.Status.SaleorProductId = productId ?? o.Status.SaleorProductId;
            o.Status.Conditions = o.Status.Conditions.Set(CmpConditions.Ready, ready, reason, message, o.Metadata.Generation, ctx.Now);
        }, ct);
        return result.Map(u => (u, before != reason));
    }
}
