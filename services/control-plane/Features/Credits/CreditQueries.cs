using Cmp.ControlPlane.Features;
using Cmp.ControlPlane.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Cmp.ControlPlane.Features.Credits;

sealed class CreditQueries(ControlPlaneDbContext db)
{
    public async Task<CreditBalance> BalanceAsync(Guid tenantId, CancellationToken ct) =>
        Views.Balance(tenantId, await db.CreditAccounts.AsNoTracking().SingleOrDefaultAsync(a => a.TenantId == tenantId, ct));

    /// <summary>Newest first, keyset-paged by entry id (stable while new entries arrive).</summary>
    public async Task<EntryPage> EntriesAsync(Guid tenantId, int limit, long? before, CancellationToken ct)
    {
        var query = db.CreditEntries.AsNoTracking().Where(e => e.TenantId == tenantId);
        if (before is { } cursor) query = query.Where(e => e.Id < cursor);
        var rows = await query.OrderByDescending(e => e.Id).Take(limit + 1).ToListAsync(ct);
        var page = rows.Take(limit).Select(Views.Of).ToList();
        return new EntryPage(page, rows.Count > limit ? page[^1].Id : null);
    }

    public async Task<ReservationView?> ReservationAsync(Guid id, CancellationToken ct)
    {
        var r = await db.Reservations.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, ct);
        return r is null ? null : Views.Of(r, await db.CreditAccounts.AsNoTracking().SingleOrDefaultAsync(a => a.TenantId == r.TenantId, ct));
    }
}
