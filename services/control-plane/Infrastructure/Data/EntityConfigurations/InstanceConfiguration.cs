using Cmp.ControlPlane.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cmp.ControlPlane.Infrastructure.Data.EntityConfigurations;

sealed class InstanceConfiguration : IEntityTypeConfiguration<Instance>
{
    public void Configure(EntityTypeBuilder<Instance> b)
    {
        b.ToTable("instances", t =>
        {
            t.HasCheckConstraint("ck_instances_status", LowerCaseEnumConverter<InstanceStatus>.Check("status"));
            t.HasCheckConstraint("ck_instances_suspended_by", "suspended_by IS NULL OR " + LowerCaseEnumConverter<SuspendedBy>.Check("suspended_by"));
        });
        b.HasKey(x => x.Id).HasName("pk_instances");
        b.Property(x => x.Id).HasColumnName("id");
        b.Property(x => x.TenantId).HasColumnName("tenant_id");
        b.Property(x => x.OfferingSku).HasColumnName("offering_sku").HasMaxLength(100);
        b.Property(x => x.Status).HasColumnName("status").HasMaxLength(20).HasConversion(new LowerCaseEnumConverter<InstanceStatus>());
        b.Property(x => x.StatusReason).HasColumnName("status_reason").HasMaxLength(1000);
        b.Property(x => x.SuspendedBy).HasColumnName("suspended_by").HasMaxLength(20).HasConversion(new LowerCaseEnumConverter<SuspendedBy>());
        b.Property(x => x.FlowId).HasColumnName("flow_id");
        b.Property(x => x.SourceOrderId).HasColumnName("source_order_id").HasMaxLength(200);
        b.Property(x => x.SourceLineId).HasColumnName("source_line_id").HasMaxLength(200);
        b.Property(x => x.SourceUnit).HasColumnName("source_unit");
        b.Property(x => x.IdempotencyKey).HasColumnName("idempotency_key").HasMaxLength(255);
        b.Property(x => x.ProvisioningAttempts).HasColumnName("provisioning_attempts");
        b.Property(x => x.NextAttemptAt).HasColumnName("next_attempt_at");
        b.Property(x => x.CreatedAt).HasColumnName("created_at");
        b.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        b.Property(x => x.Version).IsRowVersion().HasColumnName("xmin").HasColumnType("xid").ValueGeneratedOnAddOrUpdate();
        b.HasOne<Tenant>().WithMany().HasForeignKey(x => x.TenantId).HasConstraintName("fk_instances_tenant").OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Offering>().WithMany().HasForeignKey(x => x.OfferingSku).HasConstraintName("fk_instances_offering").OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => x.IdempotencyKey).IsUnique().HasDatabaseName("ux_instances_idempotency_key");
        b.HasIndex(x => x.FlowId).IsUnique().HasDatabaseName("ux_instances_flow_id");
        b.HasIndex(x => x.TenantId).HasDatabaseName("ix_instances_tenant");
        b.HasIndex(x => x.SourceOrderId).HasDatabaseName("ix_instances_source_order");
        b.HasIndex(x => x.OfferingSku).HasDatabaseName("ix_instances_offering_sku");
        // The provisioning worker scans only instances with work to do.
        b.HasIndex(x => x.NextAttemptAt).HasFilter("next_attempt_at IS NOT NULL").HasDatabaseName("ix_instances_next_attempt");
        // The operator's instance mirror reads what changed since its last look.
        b.HasIndex(x => x.UpdatedAt).HasDatabaseName("ix_instances_updated_at");
    }
}
