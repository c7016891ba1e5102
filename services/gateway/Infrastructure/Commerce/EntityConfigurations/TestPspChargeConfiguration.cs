using Cmp.Gateway.Infrastructure.Commerce.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cmp.Gateway.Infrastructure.Commerce.EntityConfigurations;

sealed class TestPspChargeConfiguration : IEntityTypeConfiguration<TestPspChargeRow>
{
    public void Configure(EntityTypeBuilder<TestPspChargeRow> b)
    {
        b.ToTable("test_psp_charges");
        b.HasKey(x => x.Id).HasName("pk_test_psp_charges");
        b.Property(x => x.Id).HasColumnName("id").HasMaxLength(40);
        b.Property(x => x.IdempotencyKey).HasColumnName("idempotency_key").HasMaxLength(255);
        b.Property(x => x.TokenHash).HasColumnName("token_hash").HasMaxLength(64);
        b.Property(x => x.Amount).HasColumnName("amount");
        b.Property(x => x.Currency).HasColumnName("currency").HasMaxLength(3);
        b.Property(x => x.CheckoutSessionId).HasColumnName("checkout_session_id").HasMaxLength(200);
        b.Property(x => x.Status).HasColumnName("status").HasMaxLength(30);
        b.Property(x => x.RefundedAmount).HasColumnName("refunded_amount");
        b.Property(x => x.CreatedAt).HasColumnName("created_at");
        b.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        b.HasIndex(x => x.IdempotencyKey).IsUnique().HasDatabaseName("ux_test_psp_charges_idempotency_key");
        b.HasIndex(x => x.TokenHash).HasDatabaseName("ix_test_psp_charges_token");
    }
}
