using Cmp.Gateway.Infrastructure.Commerce.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cmp.Gateway.Infrastructure.Commerce.EntityConfigurations;

sealed class VaultTokenConfiguration : IEntityTypeConfiguration<VaultTokenRow>
{
    public void Configure(EntityTypeBuilder<VaultTokenRow> b)
    {
        b.ToTable("vault_tokens", t => t.HasCheckConstraint("ck_vault_tokens_status", "status IN ('active', 'used')"));
        b.HasKey(x => x.TokenHash).HasName("pk_vault_tokens");
        b.Property(x => x.TokenHash).HasColumnName("token_hash").HasMaxLength(64);
        b.Property(x => x.Hint).HasColumnName("hint").HasMaxLength(20);
        b.Property(x => x.Owner).HasColumnName("owner").HasMaxLength(200);
        b.Property(x => x.MaxAmount).HasColumnName("max_amount");
        b.Property(x => x.Currency).HasColumnName("currency").HasMaxLength(3);
        b.Property(x => x.CheckoutSessionId).HasColumnName("checkout_session_id").HasMaxLength(200);
        b.Property(x => x.MerchantId).HasColumnName("merchant_id").HasMaxLength(256);
        b.Property(x => x.ExpiresAt).HasColumnName("expires_at");
        b.Property(x => x.CardBrand).HasColumnName("card_brand").HasMaxLength(30);
        b.Property(x => x.CardLast4).HasColumnName("card_last4").HasMaxLength(4);
        b.Property(x => x.CardFunding).HasColumnName("card_funding").HasMaxLength(10);
        b.Property(x => x.Behaviour).HasColumnName("behaviour").HasMaxLength(30);
        b.Property(x => x.Status).HasColumnName("status").HasMaxLength(20);
        b.Property(x => x.UsedAt).HasColumnName("used_at");
        b.Property(x => x.ChargeId).HasColumnName("charge_id").HasMaxLength(40);
        b.Property(x => x.Metadata).HasColumnName("metadata").HasColumnType("jsonb");
        b.Property(x => x.CreatedAt).HasColumnName("created_at");
    }
}
