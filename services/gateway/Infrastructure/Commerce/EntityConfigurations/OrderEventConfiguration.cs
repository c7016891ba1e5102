using Cmp.Gateway.Infrastructure.Commerce.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cmp.Gateway.Infrastructure.Commerce.EntityConfigurations;

sealed class OrderEventConfiguration : IEntityTypeConfiguration<OrderEventRow>
{
    public void Configure(EntityTypeBuilder<OrderEventRow> b)
    {
        b.ToTable("order_events");
        b.HasKey(x => x.Id).HasName("pk_order_events");
        b.Property(x => x.Id).HasColumnName("id").UseIdentityByDefaultColumn();
        b.Property(x => x.Owner).HasColumnName("owner").HasMaxLength(200);
        b.Property(x => x.SessionId).HasColumnName("session_id").HasMaxLength(40);
        b.Property(x => x.OrderId).HasColumnName("order_id").HasMaxLength(200);
        b.Property(x => x.EventType).HasColumnName("event_type").HasMaxLength(50);
        b.Property(x => x.ApiVersion).HasColumnName("api_version").HasMaxLength(10);
        b.Property(x => x.Payload).HasColumnName("payload");
        b.Property(x => x.CreatedAt).HasColumnName("created_at");
        b.Property(x => x.NextAttemptAt).HasColumnName("next_attempt_at");
        b.Property(x => x.Attempts).HasColumnName("attempts");
        b.Property(x => x.LeaseUntil).HasColumnName("lease_until");
        b.Property(x => x.DeliveredAt).HasColumnName("delivered_at");
        b.Property(x => x.DeadAt).HasColumnName("dead_at");
        b.Property(x => x.LastStatus).HasColumnName("last_status");
        b.Property(x => x.LastError).HasColumnName("last_error").HasMaxLength(1000);
        b.HasOne<CheckoutSessionRow>().WithMany().HasForeignKey(x => x.SessionId).HasConstraintName("fk_order_events_session").OnDelete(DeleteBehavior.Restrict);
        // The worker scans only undelivered, live events.
        b.HasIndex(x => x.NextAttemptAt).HasFilter("delivered_at IS NULL AND dead_at IS NULL").HasDatabaseName("ix_order_events_due");
        b.HasIndex(x => x.OrderId).HasDatabaseName("ix_order_events_order");
        b.HasIndex(x => x.SessionId).HasDatabaseName("ix_order_events_session");
    }
}
