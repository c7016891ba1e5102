using System.Text.Json.Serialization;

namespace Cmp.ControlPlane.Contracts;

/// <summary>Where an instance came from: one unit of one Saleor order line.</summary>
public sealed record InstanceSource(string? OrderId = null, string? LineId = null, int? Unit = null);

/// <summary>What a run of this instance costs; <see cref="Reserve"/> is what the gateway reserves before a run.</summary>
public sealed record PricingView(long CreditsPerRun, [property: JsonPropertyName("credits_per_1k_tokens")] long CreditsPer1kTokens,
    long MaxCreditsPerRun, long Reserve);

/// <summary><see cref="Status"/>: Provisioning | Ready | Suspended | Failed | Deleted.</summary>
public sealed record InstanceView(Guid Id, Guid TenantId, string OfferingSku, string Status, string? StatusReason, string? SuspendedBy,
    Guid FlowId, InstanceSource Source, int ProvisioningAttempts, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, PricingView? Pricing);

public sealed record CreateInstanceRequest(Guid TenantId, string OfferingSku, InstanceSource? Source = null);

/// <summary><c>cause: "refund"</c> (services only) suspends for good: the order was refunded or cancelled.</summary>
public sealed record SuspendRequest(string? Reason = null, string? Cause = null);
