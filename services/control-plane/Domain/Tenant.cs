namespace Cmp.ControlPlane.Domain;

/// <summary>A buyer. Created from a Saleor order (e-mail, Saleor user id), linked to a Keycloak user by verified e-mail.</summary>
public sealed class Tenant
{
    public Guid Id { get; set; }
    /// <summary>Lower-cased e-mail: the identity Saleor orders and Keycloak users have in common.</summary>
    public required string Email { get; set; }
    public string? SaleorUserId { get; set; }
    public string? KeycloakSubject { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    public static bool IsEmail(string? value) =>
        value is { Length: >= 3 and <= 254 } && value.IndexOf('@', StringComparison.Ordinal) is > 0 and var at
        && at < value.Length - 1 && !value.Any(char.IsWhiteSpace);
}
