using Cmp.ControlPlane.Domain;
using Cmp.ControlPlane.Infrastructure.Data;
using Cmp.Data;
using Cmp.Primitives;
using Microsoft.EntityFrameworkCore;

namespace Cmp.ControlPlane.Features.Tenants;


public static class TenantErrors
{
    public static Error NotFound(Guid id) => Error.NotFound("tenant_not_found", $"Tenant {id} does not exist.");
    public static Error NoTenantForCaller() => Error.NotFound("tenant_not_found",
        "No tenant belongs to this user yet: tenants are created by a first purchase with the same verified e-mail.");
    public static Error InvalidEmail() => Error.Validation("invalid_email", "email must be a valid e-mail address.");
}

sealed class TenantHandlers(ControlPlaneDbContext db, TimeProvider clock)
{
    /// <summary>
    /// Finds the tenant of a buyer or creates it: by Saleor user id first (a user may change their e-mail), then by
    /// e-mail. Concurrent calls for the same buyer create one tenant (unique indexes decide, the loser re-reads).
    /// </summary>
    public async Task<Result<(TenantView Tenant, bool Created)>> ResolveAsync(ResolveTenantRequest r, CancellationToken ct)
    {
        if (!Tenant.IsEmail(r.Email)) return TenantErrors.InvalidEmail();
        var email = Tenant.NormalizeEmail(r.Email);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var existing = await FindAsync(email, r.SaleorUserId, ct);
            if (existing is not null)
            {
                if (r.SaleorUserId is not null && existing.SaleorUserId is null)
                    await TryLinkSaleorUserAsync(existing.Id, r.SaleorUserId, ct);
                return (Views.Of(await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == existing.Id, ct)), false);
            }
            var tenant = new Tenant { Id = Guid.CreateVersion7(), Email = email, SaleorUserId = r.SaleorUserId, CreatedAt = clock.GetUtcNow() };
            db.Tenants.Add(tenant);
            try
            {
                await db.SaveChangesAsync(ct);
                return (Views.Of(tenant), true);
            }
            catch (DbUpdateException e) when (e.IsUniqueViolation())
            {
                db.ChangeTracker.Clear();   // lost the race: the next round finds the winner
            }
        }
        return Error.Transient("tenant_contention", "The tenant is being created concurrently; retry.");
    }

    async Task<Tenant?> FindAsync(string email, string? saleorUserId, CancellationToken ct) =>
        (saleorUserId is null ? null : await db.Tenants.AsNoTracking().SingleOrDefaultAsync(t => t.SaleorUserId == saleorUserId, ct))
        ?? await db.Tenants.AsNoTracking().SingleOrDefaultAsync(t => t.Email == email, ct);

    async Task TryLinkSaleorUserAsync(Guid tenantId, string saleorUserId, CancellationToken ct)
    {
        try
        {
            await db.Tenants.Where(t => t.Id == tenantId && t.SaleorUserId == null)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.SaleorUserId, saleorUserId), ct);
        }
        catch (Exception e) when (e.IsUniqueViolation())
        {
            // That Saleor user already belongs to another tenant; keep both as they are.
        }
    }

    public async Task<TenantView?> GetAsync(Guid id, CancellationToken ct) =>
        await db.Tenants.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, ct) is { } t ? Views.Of(t) : null;

    public async Task<TenantView?> FindByEmailAsync(string email, CancellationToken ct) =>
        await db.Tenants.AsNoTracking().SingleOrDefaultAsync(t => t.Email == Tenant.NormalizeEmail(email), ct) is { } t ? Views.Of(t) : null;
}
