using System.Security.Claims;
using Cmp.ControlPlane.Domain;
using Cmp.ControlPlane.Infrastructure.Data;
using Cmp.Hosting.Auth;
using Microsoft.EntityFrameworkCore;

namespace Cmp.ControlPlane.Features.Callers;

/// <summary>
/// Who is calling, in the control plane's terms: a privileged caller (platform admin or CMP service) sees every
/// tenant; a tenant user sees only their own tenant's resources, and anything else is reported as not found.
/// </summary>
public sealed record Caller(bool IsAdmin, bool IsService, Guid? TenantId)
{
    public bool IsPrivileged => IsAdmin || IsService;

    public bool CanSee(Guid tenantId) => IsPrivileged || TenantId == tenantId;

    /// <summary>Lets minimal-API handlers take a <see cref="Caller"/> parameter.</summary>
    public static async ValueTask<Caller?> BindAsync(HttpContext http) =>
        await http.RequestServices.GetRequiredService<CallerResolver>().ResolveAsync(http.User, http.RequestAborted);
}

/// <summary>
/// Maps a validated token to a <see cref="Caller"/>. A tenant user is found by their Keycloak subject, or — the first
/// time — by their e-mail if Keycloak says it is verified; the subject is then linked to the tenant for good.
/// </summary>
public sealed class CallerResolver(ControlPlaneDbContext db)
{
    public async Task<Caller> ResolveAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        if (user.IsPlatformAdmin() || user.IsService()) return new Caller(user.IsPlatformAdmin(), user.IsService(), null);
        var subject = user.Subject();
        if (subject is null) return new Caller(false, false, null);
        var linked = await db.Tenants.AsNoTracking().Where(t => t.KeycloakSubject == subject).Select(t => (Guid?)t.Id).SingleOrDefaultAsync(ct);
        if (linked is not null) return new Caller(false, false, linked);
        if (!user.EmailVerified() || user.Email() is not { } email) return new Caller(false, false, null);

        var normalized = Tenant.NormalizeEmail(email);
        // Link only an unlinked tenant; a concurrent link of the same subject loses on the unique index.
        try
        {
            await db.Tenants.Where(t => t.Email == normalized && t.KeycloakSubject == null)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.KeycloakSubject, subject), ct);
        }
        catch (Exception e) when (Cmp.Data.PostgresErrors.IsUniqueViolation(e))
        {
            // Linked concurrently by another request: the read below finds it.
        }
        var byEmail = await db.Tenants.AsNoTracking().Where(t => t.Email == normalized && t.KeycloakSubject == subject)
            .Select(t => (Guid?)t.Id).SingleOrDefaultAsync(ct);
        return new Caller(false, false, byEmail);
    }
}
