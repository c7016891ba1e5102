using Cmp.ControlPlane.Domain;

namespace Cmp.ControlPlane.Features;

/// <summary>Domain objects to the API contracts (which live in Cmp.ControlPlane.Client, shared with its callers).</summary>
static class Views
{
    public static TenantView Of(Tenant t) => new(t.Id, t.Email, t.SaleorUserId, t.KeycloakSubject is not null, t.CreatedAt);

    public static OfferingView Of(Offering o) => new(o.Sku, o.Kind.ToString().ToLowerInvariant(), o.DisplayName, o.PriceMinor, o.Currency,
        o.FlowTemplate, o.CreditsPerUnit, o.CreditsPerRun, o.CreditsPer1kTokens, o.MaxCreditsPerRun, o.Enabled, o.ManagedBy, o.CreatedAt, o.UpdatedAt);

    public static PricingView Of(RunPricing p) => new(p.PerRun, p.Per1kTokens, p.MaxPerRun, p.Reserve);

    public static InstanceView Of(Instance i, Offering? o) => new(i.Id, i.TenantId, i.OfferingSku, i.Status.ToString(), i.StatusReason,
        i.SuspendedBy?.ToString().ToLowerInvariant(), i.FlowId, new InstanceSource(i.SourceOrderId, i.SourceLineId, i.SourceUnit),
        i.ProvisioningAttempts, i.CreatedAt, i.UpdatedAt, o is null ? null : Of(o.Pricing));

    public static ApiKeyView Of(ApiKey k) => new(k.Id, k.InstanceId, k.Name, k.Prefix, k.CreatedAt, k.RevokedAt);

    public static CreditBalance Balance(Guid tenantId, CreditAccount? a) => new(tenantId, a?.Balance ?? 0, a?.Reserved ?? 0, a?.Available ?? 0);

    public static CreditEntryView Of(CreditEntry e) => new(e.Id, e.TenantId, e.Kind.ToString().ToLowerInvariant(), e.Amount,
        e.BalanceAfter, e.BalanceAfter - e.ReservedAfter, e.ReservationId, e.InstanceId, e.OrderId, e.Shortfall, e.Reason, e.CreatedAt);

    public static ReservationView Of(Reservation r, CreditAccount? a) => new(r.Id, r.TenantId, r.InstanceId, r.Amount,
        r.Status.ToString().ToLowerInvariant(), r.CommittedAmount, r.ExpiresAt, r.CreatedAt, r.SettledAt, a?.Balance ?? 0, a?.Available ?? 0);
}
