using Cmp.Gateway.Infrastructure.Commerce.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cmp.Gateway.Infrastructure.Commerce.EntityConfigurations;

sealed class PaymentAttemptConfiguration : IEntityTypeConfiguration<PaymentAttemptRow>
{
    public void Configure(EntityTypeBuilder<PaymentAttemptRow> b)
    {
        b.ToTable("payment_attempts", t => t.HasCheckConstraint("ck_payment_attempts_status",
            $"status IN ({string.Join(", ", AttemptStatus.All.Select(s => $"'{s}'"))})"));
        b.HasKey(x => x.Id).HasName("pk_payment_attempts");
        b.Property(x => x.Id).HasColumnName("id").UseIdentityByDefaultColumn();
        b.Property(x => x.SessionId).HasColumnName("session_id").HasMaxLength(40);
        b.Property(x => x.Number).HasColumnName("number");
        b.Property(x => x.Provider).HasColumnName("provider").HasMaxLength(30);
        b.Property(x => x.TokenHash).HasColumnName("token_hash").HasMaxLength(64);
        b.Property(x => x.TokenHint).HasColumnName("token_hint").HasMaxLength(40);
        b.Property(x => x.Amount).HasColumnName("amount");
        b.Property(x => x.Currency).HasColumnName("currency").HasMaxLength(3);
        b.Property(x => x.ProviderIdempotencyKey).HasColumnName("provider_idempotency_key").HasMaxLength(255);
        b.Property(x => x.Status).HasColumnName("status").HasMaxLength(30);
        b.Property(x => x.PspReference).HasColumnName("psp_reference").HasMaxLength(200);
        b.Property(x => x.SaleorTransactionId).HasColumnName("saleor_transaction_id").HasMaxLength(200);
        b.Property(x => x.FailureCode).HasColumnName("failure_code").HasMaxLength(100);
        b.Property(x => x.FailureMessage).HasColumnName("failure_message").HasMaxLength(1000);
        b.Property(x => x.CreatedAt).HasColumnName("created_at");
        b.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        b.HasOne<CheckoutSessionRow>().WithMany().HasForeignKey(x => x.SessionId).HasConstraintName("fk_payment_attempts_session").OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.SessionId, x.Number }).IsUnique().HasDatabaseName("ux_payment_attempts_session_number");
        // The guard behind "one session, one charge": a second successful attempt cannot be recorded.
        b.HasIndex(x => x.SessionId).IsUnique().HasFilter("status = 'succeeded'").HasDatabaseName("ux_payment_attempts_one_success");
    }
}
