using Cmp.ControlPlane.Features;
using Cmp.ControlPlane.Domain;
using Cmp.ControlPlane.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Cmp.ControlPlane.Features.Instances;

sealed class InstanceQueries(ControlPlaneDbContext db)
{
    public async Task<InstanceView?> GetAsync(Guid id, CancellationToken ct)
    {
        var row = await (from i in db.Instances.AsNoTracking()
                         join o in db.Offerings.AsNoTracking() on i.OfferingSku equals o.Sku
                         where i.Id == id
                         select new { i, o }).SingleOrDefaultAsync(ct);
        return row is null ? null : Views.Of(row.i, row.o);
    }

    public async Task<List<InstanceView>> ListAsync(Guid? tenantId, string? orderId, bool includeDeleted, CancellationToken ct)
    {
        var query = from i in db.Instances.AsNoTracking()
                    join o in db.Offerings.AsNoTracking() on i.OfferingSku equals o.Sku
                    select new { i, o };
        if (tenantId is { } t) query = query.Where(x => x.i.TenantId == t);
        if (orderId is not null) query = query.Where(x => x.i.SourceOrderId == orderId);
        if (!includeDeleted) query = query.Where(x => x.i.Status != InstanceStatus.Deleted);
        var rows = await query.OrderBy(x => x.i.CreatedAt).ThenBy(x => x.i.SourceUnit).Take(1000).ToListAsync(ct);
        return rows.Select(x => Views.Of(x.i, x.o)).ToList();
    }
}
