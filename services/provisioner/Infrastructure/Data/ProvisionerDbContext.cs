using Cmp.Messaging.Inbox;
using Cmp.Provisioner.Domain;
using Microsoft.EntityFrameworkCore;

namespace Cmp.Provisioner.Infrastructure.Data;

/// <summary>The provisioner's own database: the inbox of Saleor deliveries and what it knows of each order.</summary>
public sealed class ProvisionerDbContext(DbContextOptions<ProvisionerDbContext> options) : DbContext(options)
{
    public DbSet<OrderState> Orders => Set<OrderState>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddInbox();
        var o = modelBuilder.Entity<OrderState>();
        o.ToTable("orders");
        o.HasKey(x => x.OrderId).HasName("pk_orders");
        o.Property(x => x.OrderId).HasColumnName("order_id").HasMaxLength(200);
        o.Property(x => x.OrderNumber).HasColumnName("order_number").HasMaxLength(50);
        o.Property(x => x.TenantId).HasColumnName("tenant_id");
        o.Property(x => x.ProvisionedAt).HasColumnName("provisioned_at");
        o.Property(x => x.RevokedAt).HasColumnName("revoked_at");
        o.Property(x => x.RevokedBy).HasColumnName("revoked_by").HasMaxLength(50);
        o.Property(x => x.Summary).HasColumnName("summary").HasMaxLength(2000);
        o.Property(x => x.UpdatedAt).HasColumnName("updated_at");
    }
}
