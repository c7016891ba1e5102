using Cmp.ControlPlane.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cmp.ControlPlane.Infrastructure.Data.EntityConfigurations;

sealed class TenantConfiguration : IEntityTypeConfiguration<Tenant>
{
    public void Configure(EntityTypeBuilder<Tenant> b)
    {
        b.ToTable("tenants", t => t.HasCheckConstraint("ck_tenants_email_lower", "email = lower(email)"));
        b.HasKey(x => x.Id).HasName("pk_tenants");
        b.Property(x => x.Id).HasColumnName("id");
        b.Property(x => x.Email).HasColumnName("email").HasMaxLength(254);
        b.Property(x => x.SaleorUserId).HasColumnName("saleor_user_id").HasMaxLength(200);
        b.Property(x => x.KeycloakSubject).HasColumnName("keycloak_subject").HasMaxLength(200);
        b.Property(x => x.CreatedAt).HasColumnName("created_at");
        // Unique indexes, not look-then-insert, stop two concurrent orders from creating the same tenant twice.
        b.HasIndex(x => x.Email).IsUnique().HasDatabaseName("ux_tenants_email");
        b.HasIndex(x => x.SaleorUserId).IsUnique().HasDatabaseName("ux_tenants_saleor_user_id");
        b.HasIndex(x => x.KeycloakSubject).IsUnique().HasDatabaseName("ux_tenants_keycloak_subject");
    }
}
