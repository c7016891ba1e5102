using Cmp.ControlPlane.Features.Offerings;
using Cmp.ControlPlane.Operator.Offerings;
using Cmp.Kubernetes.Client;
using Cmp.Kubernetes.Model;
using Cmp.Kubernetes.Operator;
using Cmp.Kubernetes.Resources;
using Cmp.Primitives;
using Microsoft.Extensions.Options;

namespace Cmp.ControlPlane.Operator.Reconcilers;

/// <summary>
/// Offerings as code (ARCHITECTURE.md, flow 4): makes the control plane's database and Saleor agree with each
/// AgentOffering. Level-triggered and idempotent: every reconcile validates the spec, upserts the offering (managed by
/// <c>kubernetes</c>), ensures or unlists the Saleor product, and writes <c>Accepted</c>, <c>SaleorSynced</c> and
/// <c>Ready</c> with <c>observedGeneration</c>. An invalid spec is reported once and waits for the next change (the last
/// valid one stays in effect); Saleor outages are retried with backoff. Deleting the object takes the offering off
/// sale (disabled, unlisted) but never deletes it: paid orders must still provision and old orders keep their product.
/// </summary>
/// <remarks>RBAC: agentofferings get/list/watch, agentofferings/status update, agentofferings/finalizers update,
/// events create/patch (charts/control-plane/templates/rbac.yaml).</remarks>
sealed class AgentOfferingReconciler(
    OfferingHandlers offerings,
    SaleorSync saleor,
    IOptions<OperatorOptions> operatorOptions) : IReconciler<AgentOffering>, IFinalizer<AgentOffering>
{
    public const string ManagedBy = "kubernetes";

    /// <summary>A duplicate SKU is checked again this often, so it takes over soon after the declaring object goes.</summary>
    static readonly TimeSpan DuplicateRecheck = TimeSpan.FromMinutes(1);

    public string FinalizerName => Finalizers.Offering;

    public async Task<ReconcileResult> ReconcileAsync(AgentOffering offering, ReconcileContext<AgentOffering> ctx, CancellationToken ct)
    {
        var spec = offering.Spec;

        // The API server enforces the CRD's schema, but CEL rules only on recent clusters, and the file source
        // validates at load: checking again here keeps one behaviour everywhere.
        var problems = spec.Validate();
        if (problems.Count > 0) return await RefuseAsync(offering, ctx, OfferingReasons.InvalidSpec, string.Join("; ", problems), ct);

        var owner = await OtherDeclarationAsync(offering, ctx, ct);
        if (!owner.IsSuccess) return owner.Error;
        if (owner.Value is { } other)
        {
            await RefuseAsync(offering, ctx, OfferingReasons.DuplicateSku,
                $"SKU {spec.Sku} is already declared by AgentOffering {other}; this object is ignored while that one exists.", ct);
            return ReconcileResult.After(DuplicateRecheck);
        }

        var mapped = OfferingMapping.ToOfferingSpec(spec);
        if (!mapped.IsSuccess) return await RefuseAsync(offering, ctx, OfferingReasons.InvalidSpec, mapped.Error.Message, ct);
        var stored = await offerings.UpsertAsync(spec.Sku, mapped.Value, ManagedBy, ct);
        if (!stored.IsSuccess)
        {
            // The control plane's own rules (a flow template it does not have, token pricing without a maximum …).
            return stored.Error.Kind == ErrorKind.Validation
                ? await RefuseAsync(offering, ctx, OfferingReasons.InvalidSpec, stored.Error.Message, ct)
                : stored.Error;
        }

        var synced = await saleor.SyncAsync(spec, ct);
        var accepted = $"Stored as {spec.Sku} ({Describe(stored.Value.Offering)}).";
        var before = offering.Status;
        // The generation acted on (see Converged); enabled too: the status must describe what was applied.
        var (acted, enabled) = (offering.Metadata.Generation, spec.Enabled);
        var written = await ctx.UpdateStatusAsync(offering, o => Converged(o, acted, enabled, accepted, synced, ctx.Now), ct);
        if (!written.IsSuccess) return written.Error;
        await EventsAsync(offering, before, written.Value, synced, ctx, ct);
        return synced.Error is { } failed ? failed : ReconcileResult.Done;
    }

    public async Task<ReconcileResult> FinalizeAsync(AgentOffering offering, ReconcileContext<AgentOffering> ctx, CancellationToken ct)
    {
        var sku = offering.Spec.Sku;
        // Nothing was ever stored under an invalid SKU; and a SKU another object still declares is handed over, not removed.
        if (!OfferingHandlers.IsSku(sku)) return ReconcileResult.Done;
        var other = await OtherDeclarationAsync(offering, ctx, ct);
        if (!other.IsSuccess) return other.Error;
        if (other.Value is not null) return ReconcileResult.Done;

        var disabled = await offerings.DisableAsync(sku, ManagedBy, ct);
        if (!disabled.IsSuccess) return disabled.Error;
        var unlisted = await saleor.UnlistAsync(sku, ct);
        if (unlisted.Failed)
        {
            await ctx.UpdateStatusAsync(offering, o =>
            {
                o.Status ??= new AgentOfferingStatus();
                o.Status.Phase = Phases.Terminating;
                o.Status.Conditions = o.Status.Conditions.Set(ConditionTypes.SaleorSynced, false, unlisted.Reason, unlisted.Message, o.Metadata.Generation, ctx.Now);
                o.Status.Conditions = o.Status.Conditions.Set(CmpConditions.Ready, false, unlisted.Reason, $"Deleting: {unlisted.Message}", o.Metadata.Generation, ctx.Now);
            }, ct);
            return unlisted.Error!;
        }
        await ctx.NormalEventAsync(offering, OfferingReasons.Removed,
            $"{sku} is off sale: disabled in the control plane{(saleor.Enabled ? " and unlisted in Saleor" : "")}; kept for existing orders and instances.", ct);
        return ReconcileResult.Done;
    }

    /// <summary>The status of a converged reconcile, written onto the object handed in (fresh after a conflict). It
    /// records <paramref name="gen"/>, the generation applied: a newer spec that arrived meanwhile stays unobserved
    /// until its own reconcile applies it.</summary>
    static void Converged(AgentOffering o, long? gen, bool enabled, string accepted, SaleorSyncOutcome synced, DateTimeOffset now)
    {
        var s = o.Status ??= new AgentOfferingStatus();
        s.ObservedGeneration = gen;
        s.Phase = synced.Failed
            ? synced.Reason == OfferingReasons.SaleorUnavailable ? Phases.Pending : Phases.Failed
            : enabled ? Phases.Ready : Phases.Disabled;
        s.SaleorProductId = synced.ProductId ?? s.SaleorProductId;
        s.SaleorVariantId = synced.VariantId ?? s.SaleorVariantId;
        s.Conditions = s.Conditions.Set(ConditionTypes.Accepted, true, OfferingReasons.Stored, accepted, gen, now);
        s.Conditions = s.Conditions.Set(ConditionTypes.SaleorSynced, synced.Status, synced.Reason, synced.Message, gen, now);
        s.Conditions = synced.Failed
            ? s.Conditions.Set(CmpConditions.Ready, false, synced.Reason, synced.Message, gen, now)
            : enabled
                ? s.Conditions.Set(CmpConditions.Ready, true, OfferingReasons.Ready, "On sale: stored in the control plane" + (synced.Reason == OfferingReasons.Synced ? " and listed in Saleor." : "."), gen, now)
                : s.Conditions.Set(CmpConditions.Ready, true, OfferingReasons.Disabled, "Disabled as declared: not for sale; existing instances and orders keep working.", gen, now);
    }

    /// <summary>Reports a spec that cannot be applied, once (the runtime does not retry Validation errors; the next
    /// change does). Whatever the last valid generation stored stays in effect.</summary>
    static async Task<ReconcileResult> RefuseAsync(AgentOffering offering, ReconcileContext<AgentOffering> ctx, string reason, string message, CancellationToken ct)
    {
        var full = $"{message} (generation {offering.Metadata.Generation} not applied; the last valid spec stays in effect)";
        var changed = offering.Status?.Conditions.Get(ConditionTypes.Accepted) is not { Status: ConditionStatus.False } c || c.Reason != reason || c.Message != full;
        var gen = offering.Metadata.Generation;
        var written = await ctx.UpdateStatusAsync(offering, o =>
        {
            var s = o.Status ??= new AgentOfferingStatus();
            s.ObservedGeneration = gen;
            s.Phase = Phases.Failed;
            s.Conditions = s.Conditions.Set(ConditionTypes.Accepted, false, reason, full, gen, ctx.Now);
            s.Conditions = s.Conditions.Set(CmpConditions.Ready, false, reason, full, gen, ctx.Now);
        }, ct);
        if (!written.IsSuccess) return written.Error;
        if (changed) await ctx.WarningEventAsync(offering, reason, message, ct);
        return Error.Validation(reason == OfferingReasons.DuplicateSku ? "duplicate_sku" : "invalid_offering", message);
    }

    /// <summary>
    /// Another live AgentOffering declaring the same SKU first (oldest wins, then namespace/name), or null. Two objects
    /// for one SKU would otherwise overwrite each other's price on every resync. File mode has no cluster to ask.
    /// </summary>
    async Task<Result<string?>> OtherDeclarationAsync(AgentOffering offering, ReconcileContext<AgentOffering> ctx, CancellationToken ct)
    {
        if (ctx.Client is null) return Result<string?>.Success(null);
        var ns = operatorOptions.Value.Namespace is { Length: > 0 } n ? n : null;
        var all = await ctx.Client.ListAsync<AgentOffering>(ns, ct: ct);
        if (!all.IsSuccess) return all.Error;
        var rivals = all.Value.Items
            .Where(o => o.Spec.Sku == offering.Spec.Sku && o.Metadata.Uid != offering.Metadata.Uid && !o.Metadata.IsBeingDeleted)
            .OrderBy(o => o.Metadata.CreationTimestamp ?? DateTimeOffset.MaxValue).ThenBy(o => o.Key, StringComparer.Ordinal)
            .ToList();
        // Being deleted: any live declaration takes the SKU over. Otherwise only an earlier one takes precedence.
        var winner = offering.Metadata.IsBeingDeleted ? rivals.FirstOrDefault() : rivals.FirstOrDefault(o => Precedes(o, offering));
        return Result<string?>.Success(winner?.Key);
    }

    static bool Precedes(AgentOffering a, AgentOffering b)
    {
        var (ta, tb) = (a.Metadata.CreationTimestamp ?? DateTimeOffset.MaxValue, b.Metadata.CreationTimestamp ?? DateTimeOffset.MaxValue);
        return ta < tb || ta == tb && string.CompareOrdinal(a.Key, b.Key) < 0;
    }

    static async Task EventsAsync(AgentOffering offering, AgentOfferingStatus? before, AgentOffering after, SaleorSyncOutcome synced,
        ReconcileContext<AgentOffering> ctx, CancellationToken ct)
    {
        var readyBefore = before?.Conditions.Get(CmpConditions.Ready);
        var readyAfter = after.Status?.Conditions.Get(CmpConditions.Ready);
        if (synced.Failed)
        {
            if (readyBefore?.Reason != synced.Reason) await ctx.WarningEventAsync(offering, synced.Reason, synced.Message, ct);
            return;
        }
        var newGeneration = before?.ObservedGeneration != after.Metadata.Generation;
        if (readyAfter is not null && (newGeneration || readyBefore?.Reason != readyAfter.Reason || synced.Message.StartsWith("Created", StringComparison.Ordinal) || synced.Message.StartsWith("Updated", StringComparison.Ordinal)))
            await ctx.NormalEventAsync(offering, readyAfter.Reason, synced.Reason == OfferingReasons.SyncDisabled ? readyAfter.Message : $"{readyAfter.Message} Saleor: {synced.Message}", ct);
    }

    static string Describe(OfferingView o) =>
        o.Kind == OfferingKinds.Agent
            ? $"agent plan, {Money(o)}, flow template {o.FlowTemplate}, {o.CreditsPerRun} credit(s) per run" +
              (o.CreditsPer1kTokens > 0 ? $" + {o.CreditsPer1kTokens} per 1k tokens (max {o.MaxCreditsPerRun})" : "") +
              (o.CreditsPerUnit > 0 ? $", {o.CreditsPerUnit} credits included" : "") + (o.Enabled ? "" : ", disabled")
            : $"credit pack, {Money(o)}, {o.CreditsPerUnit} credits" + (o.Enabled ? "" : ", disabled");

    static string Money(OfferingView o) => new Money(o.PriceMinor, o.Currency).ToString();
}
