namespace Cmp.ControlPlane.Contracts;

public sealed record ApiKeyView(Guid Id, Guid InstanceId, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>The secret is in <see cref="Key"/> only in the response that created it; a replay returns null there.</summary>
public sealed record IssuedApiKey(Guid Id, Guid InstanceId, string Name, string Prefix, DateTimeOffset CreatedAt, string? Key);

/// <summary>What the gateway learns from a valid key.</summary>
public sealed record VerifiedApiKey(Guid KeyId, Guid InstanceId, Guid TenantId, string InstanceStatus, string OfferingSku, PricingView Pricing);

public sealed record IssueKeyRequest(string? Name = null);

public sealed record VerifyKeyRequest(string Key);
