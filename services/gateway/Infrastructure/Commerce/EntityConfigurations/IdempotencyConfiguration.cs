using Cmp.Gateway.Infrastructure.Commerce.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cmp.Gateway.Infrastructure.Commerce.EntityConfigurations;

sealed class IdempotencyConfiguration : IEntityTypeConfiguration<IdempotencyRow>
{
    public void Configure(EntityTypeBuilder<IdempotencyRow> b)
    {
        b.ToTable("idempotency_keys", t => t.HasCheckConstraint("ck_idempotency_keys_state", "state IN ('in_flight', 'completed')"));
        b.HasKey(x => x.Id).HasName("pk_idempotency_keys");
        b.Property(x => x.Id).HasColumnName("id").UseIdentityByDefaultColumn();
        b.Property(x => x.Scope).HasColumnName("scope").HasMaxLength(200);
        b.Property(x => x.Route).HasColumnName("route").HasMaxLength(300);
        b.Property(x => x.Key).HasColumnName("key").HasMaxLength(255);
        b.Property(x => x.Fingerprint).HasColumnName("fingerprint").HasMaxLength(64);
        b.Property(x => x.State).HasColumnName("state").HasMaxLength(20);
        b.Property(x => x.StatusCode).HasColumnName("status_code");
        b.Property(x => x.Headers).HasColumnName("headers").HasColumnType("jsonb");
        b.Property(x => x.Body).HasColumnName("body");
        b.Property(x => x.CreatedAt).HasColumnName("created_at");
        b.Property(x => x.ExpiresAt).HasColumnName("expires_at");
        b.Property(x => x.LockedUntil).HasColumnName("locked_until");
        b.HasIndex(x => new { x.Scope, x.Route, x.Key }).IsUnique().HasDatabaseName("ux_idempotency_keys_scope_route_key");
        b.HasIndex(x => x.ExpiresAt).HasDatabaseName("ix_idempotency_keys_expires_at");
    }
}
