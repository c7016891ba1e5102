using System.Security.Claims;

namespace Cmp.Hosting.Auth;

/// <summary>Who is calling, read from a validated principal.</summary>
public static class CallerExtensions
{
    public static string? Subject(this ClaimsPrincipal user) => user.FindFirst("sub")?.Value;

    public static string? Email(this ClaimsPrincipal user) =>
        user.FindFirst("email")?.Value ?? user.FindFirst(ClaimTypes.Email)?.Value;

    /// <summary>Keycloak sets <c>email_verified</c>; tenants are linked by e-mail only when it is verified.</summary>
    public static bool EmailVerified(this ClaimsPrincipal user) =>
        string.Equals(user.FindFirst("email_verified")?.Value, "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The calling client (<c>azp</c>), reliable for users and service accounts alike.</summary>
    public static string? ClientId(this ClaimsPrincipal user) => user.FindFirst("azp")?.Value;

    public static bool IsPlatformAdmin(this ClaimsPrincipal user) => user.IsInRole(Roles.PlatformAdmin);

    public static bool IsService(this ClaimsPrincipal user) => user.IsInRole(Roles.Service);

    /// <summary>True for callers that may act on any tenant's resources.</summary>
    public static bool IsPrivileged(this ClaimsPrincipal user) => user.IsPlatformAdmin() || user.IsService();
}
