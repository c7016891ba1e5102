using Cmp.Gateway.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cmp.Gateway.Infrastructure.Data.EntityConfigurations;

sealed class CreditLeaseConfiguration : IEntityTypeConfiguration<CreditLease>
{
    public void Configure(EntityTypeBuilder<CreditLease> b)
    {
        b.ToTable("credit_leases", t =>
        {
            t.HasCheckConstraint("ck_credit_leases_state", SnakeCaseEnum<LeaseState>.Check("state"));
            t.HasCheckConstraint("ck_credit_leases_credits", "credits_reserved > 0 AND (credits_charged IS NULL OR credits_charged BETWEEN 0 AND credits_reserved)");
        });
        b.HasKey(x => x.Id).HasName("pk_credit_leases");
        b.Property(x => x.Id).HasColumnName("id");
        b.Property(x => x.TenantId).HasColumnName("tenant_id");
        b.Property(x => x.ReservationId).HasColumnName("reservation_id");
        b.Property(x => x.CreditsReserved).HasColumnName("credits_reserved");
        b.Property(x => x.State).HasColumnName("state").HasMaxLength(20).HasConversion(new SnakeCaseEnum<LeaseState>());
        b.Property(x => x.CreditsCharged).HasColumnName("credits_charged");
        b.Property(x => x.BalanceAfter).HasColumnName("balance_after");
        b.Property(x => x.OpenedAt).HasColumnName("opened_at");
        b.Property(x => x.SettleAfter).HasColumnName("settle_after");
        b.Property(x => x.SettlementAttempts).HasColumnName("settlement_attempts");
        b.Property(x => x.SettlementError).HasColumnName("settlement_error").HasMaxLength(1000);
        b.Property(x => x.SettledAt).HasColumnName("settled_at");
        // The settlement worker's queue: open leases only.
        b.HasIndex(x => x.SettleAfter).HasFilter("state = 'open'").HasDatabaseName("ix_credit_leases_due");
    }
}
