using Cmp.ControlPlane.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cmp.ControlPlane.Infrastructure.Data.EntityConfigurations;

sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> b)
    {
        b.ToTable("api_keys");
        b.HasKey(x => x.Id).HasName("pk_api_keys");
        b.Property(x => x.Id).HasColumnName("id");
        b.Property(x => x.InstanceId).HasColumnName("instance_id");
        b.Property(x => x.TenantId).HasColumnName("tenant_id");
        b.Property(x => x.Name).HasColumnName("name").HasMaxLength(100);
        b.Property(x => x.Prefix).HasColumnName("prefix").HasMaxLength(20);
        b.Property(x => x.Hash).HasColumnName("hash");
        b.Property(x => x.IdempotencyKey).HasColumnName("idempotency_key").HasMaxLength(255);
        b.Property(x => x.CreatedAt).HasColumnName("created_at");
        b.Property(x => x.RevokedAt).HasColumnName("revoked_at");
        b.HasOne<Instance>().WithMany().HasForeignKey(x => x.InstanceId).HasConstraintName("fk_api_keys_instance").OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => x.Hash).IsUnique().HasDatabaseName("ux_api_keys_hash");
        b.HasIndex(x => new { x.InstanceId, x.IdempotencyKey }).IsUnique().HasDatabaseName("ux_api_keys_idempotency_key");
    }
}
