using Cmp.Provisioner.Domain;
using Cmp.Provisioner.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Cmp.Provisioner.Features;

/// <summary>Reads and records <see cref="OrderState"/> with single-statement upserts, safe under concurrent workers.</summary>
public sealed class OrderStates(ProvisionerDbContext db, TimeProvider clock)
{
    public Task<OrderState?> GetAsync(string orderId, CancellationToken ct) =>
        db.Orders.AsNoTracking().SingleOrDefaultAsync(o => o.OrderId == orderId, ct);

    /// <summary>The first revocation wins; later ones change nothing.</summary>
    public Task MarkRevokedAsync(string orderId, string? number, string byEvent, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return db.Database.ExecuteSqlAsync($"""
            INSERT INTO orders (order_id, order_number, revoked_at, revoked_by, updated_at) VALUES ({orderId}, {number}, {now}, {byEvent}, {now})
            ON CONFLICT (order_id) DO UPDATE SET revoked_at = coalesce(orders.revoked_at, excluded.revoked_at),
                revoked_by = coalesce(orders.revoked_by, excluded.revoked_by), updated_at = excluded.updated_at
            """, ct);
    }

    public Task MarkProvisionedAsync(string orderId, string? number, Guid tenantId, string summary, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return db.Database.ExecuteSqlAsync($"""
            INSERT INTO orders (order_id, order_number, tenant_id, provisioned_at, summary, updated_at) VALUES ({orderId}, {number}, {tenantId}, {now}, {summary}, {now})
            ON CONFLICT (order_id) DO UPDATE SET tenant_id = excluded.tenant_id, summary = excluded.summary,
                provisioned_at = coalesce(orders.provisioned_at, excluded.provisioned_at), updated_at = excluded.updated_at
            """, ct);
    }
}
