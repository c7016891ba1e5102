using Cmp.Gateway.Infrastructure.Commerce.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cmp.Gateway.Infrastructure.Commerce.EntityConfigurations;

sealed class SessionConfiguration : IEntityTypeConfiguration<CheckoutSessionRow>
{
    public void Configure(EntityTypeBuilder<CheckoutSessionRow> b)
    {
        b.ToTable("checkout_sessions", t => t.HasCheckConstraint("ck_checkout_sessions_status",
            $"status IN ({string.Join(", ", SessionRowStatus.All.Select(s => $"'{s}'"))})"));
        b.HasKey(x => x.Id).HasName("pk_checkout_sessions");
        b.Property(x => x.Id).HasColumnName("id").HasMaxLength(40);
        b.Property(x => x.Owner).HasColumnName("owner").HasMaxLength(200);
        b.Property(x => x.ApiVersion).HasColumnName("api_version").HasMaxLength(10);
        b.Property(x => x.SaleorCheckoutId).HasColumnName("saleor_checkout_id").HasMaxLength(200);
        b.Property(x => x.Channel).HasColumnName("channel").HasMaxLength(100);
        b.Property(x => x.Currency).HasColumnName("currency").HasMaxLength(3);
        b.Property(x => x.Status).HasColumnName("status").HasMaxLength(30);
        b.Property(x => x.Buyer).HasColumnName("buyer").HasColumnType("jsonb");
        b.Property(x => x.AgentCapabilities).HasColumnName("agent_capabilities").HasColumnType("jsonb");
        b.Property(x => x.Locale).HasColumnName("locale").HasMaxLength(35);
        b.Property(x => x.LastQuotedTotal).HasColumnName("last_quoted_total");
        b.Property(x => x.Authentication).HasColumnName("authentication").HasColumnType("jsonb");
        b.Property(x => x.OrderId).HasColumnName("order_id").HasMaxLength(200);
        b.Property(x => x.OrderNumber).HasColumnName("order_number").HasMaxLength(50);
        b.Property(x => x.Snapshot).HasColumnName("snapshot").HasColumnType("jsonb");
        b.Property(x => x.OrderStatus).HasColumnName("order_status").HasMaxLength(30);
        b.Property(x => x.NextOrderCheckAt).HasColumnName("next_order_check_at");
        b.Property(x => x.CompletingUntil).HasColumnName("completing_until");
        b.Property(x => x.CreatedAt).HasColumnName("created_at");
        b.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        b.Property(x => x.ExpiresAt).HasColumnName("expires_at");
        b.Property(x => x.Version).IsRowVersion().HasColumnName("xmin").HasColumnType("xid").ValueGeneratedOnAddOrUpdate();
        b.HasIndex(x => x.SaleorCheckoutId).IsUnique().HasDatabaseName("ux_checkout_sessions_saleor_checkout");
        b.HasIndex(x => x.OrderId).HasDatabaseName("ix_checkout_sessions_order").HasFilter("order_id IS NOT NULL");
        // The order-status watcher scans only the orders it still follows.
        b.HasIndex(x => x.NextOrderCheckAt).HasDatabaseName("ix_checkout_sessions_next_order_check").HasFilter("next_order_check_at IS NOT NULL");
    }
}
