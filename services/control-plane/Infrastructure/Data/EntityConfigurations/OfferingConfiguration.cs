using Cmp.ControlPlane.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cmp.ControlPlane.Infrastructure.Data.EntityConfigurations;

sealed class OfferingConfiguration : IEntityTypeConfiguration<Offering>
{
    public void Configure(EntityTypeBuilder<Offering> b)
    {
        b.ToTable("offerings", t =>
        {
            t.HasCheckConstraint("ck_offerings_kind", LowerCaseEnumConverter<OfferingKind>.Check("kind"));
            t.HasCheckConstraint("ck_offerings_amounts", "price_minor >= 0 AND credits_per_unit >= 0 AND credits_per_run >= 0");
            t.HasCheckConstraint("ck_offerings_token_pricing", "credits_per_1k_tokens >= 0 AND max_credits_per_run >= 0");
        });
        b.HasKey(o => o.Sku).HasName("pk_offerings");
        b.Property(o => o.Sku).HasColumnName("sku").HasMaxLength(100);
        b.Property(o => o.Kind).HasColumnName("kind").HasMaxLength(20).HasConversion(new LowerCaseEnumConverter<OfferingKind>());
        b.Property(o => o.DisplayName).HasColumnName("display_name").HasMaxLength(200);
        b.Property(o => o.PriceMinor).HasColumnName("price_minor");
        b.Property(o => o.Currency).HasColumnName("currency").HasMaxLength(3).IsFixedLength();
        b.Property(o => o.FlowTemplate).HasColumnName("flow_template").HasMaxLength(200);
        b.Property(o => o.CreditsPerUnit).HasColumnName("credits_per_unit");
        b.Property(o => o.CreditsPerRun).HasColumnName("credits_per_run");
        b.Property(o => o.CreditsPer1kTokens).HasColumnName("credits_per_1k_tokens");
        b.Property(o => o.MaxCreditsPerRun).HasColumnName("max_credits_per_run");
        b.Property(o => o.Enabled).HasColumnName("enabled");
        b.Property(o => o.ManagedBy).HasColumnName("managed_by").HasMaxLength(20);
        b.Property(o => o.CreatedAt).HasColumnName("created_at");
        b.Property(o => o.UpdatedAt).HasColumnName("updated_at");
        b.Ignore(o => o.Pricing);
    }
}
