namespace Cmp.ControlPlane.Contracts;

public sealed record TenantView(Guid Id, string Email, string? SaleorUserId, bool KeycloakLinked, DateTimeOffset CreatedAt);

/// <summary>Find the tenant of a buyer, or create it (by Saleor user id, then e-mail).</summary>
public sealed record ResolveTenantRequest(string Email, string? SaleorUserId = null);
