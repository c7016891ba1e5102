using Cmp.ControlPlane.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cmp.ControlPlane.Infrastructure.Data.EntityConfigurations;

sealed class CreditAccountConfiguration : IEntityTypeConfiguration<CreditAccount>
{
    public void Configure(EntityTypeBuilder<CreditAccount> b)
    {
        // The database itself refuses a negative balance or available amount, whatever the code does.
        b.ToTable("credit_accounts", t =>
        {
            t.HasCheckConstraint("ck_credit_accounts_balance", "balance >= 0");
            t.HasCheckConstraint("ck_credit_accounts_reserved", "reserved >= 0 AND reserved <= balance");
        });
        b.HasKey(x => x.TenantId).HasName("pk_credit_accounts");
        b.Property(x => x.TenantId).HasColumnName("tenant_id");
        b.Property(x => x.Balance).HasColumnName("balance");
        b.Property(x => x.Reserved).HasColumnName("reserved");
        b.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        b.Ignore(x => x.Available);
        b.HasOne<Tenant>().WithOne().HasForeignKey<CreditAccount>(x => x.TenantId).HasConstraintName("fk_credit_accounts_tenant").OnDelete(DeleteBehavior.Restrict);
    }
}

sealed class CreditEntryConfiguration : IEntityTypeConfiguration<CreditEntry>
{
    public void Configure(EntityTypeBuilder<CreditEntry> b)
    {
        b.ToTable("credit_entries", t =>
        {
            t.HasCheckConstraint("ck_credit_entries_kind", LowerCaseEnumConverter<CreditEntryKind>.Check("kind"));
            t.HasCheckConstraint("ck_credit_entries_amount", "amount >= 0 AND shortfall >= 0");
        });
        b.HasKey(x => x.Id).HasName("pk_credit_entries");
        b.Property(x => x.Id).HasColumnName("id").UseIdentityByDefaultColumn();
        b.Property(x => x.TenantId).HasColumnName("tenant_id");
        b.Property(x => x.Kind).HasColumnName("kind").HasMaxLength(20).HasConversion(new LowerCaseEnumConverter<CreditEntryKind>());
        b.Property(x => x.Amount).HasColumnName("amount");
        b.Property(x => x.BalanceDelta).HasColumnName("balance_delta");
        b.Property(x => x.ReservedDelta).HasColumnName("reserved_delta");
        b.Property(x => x.BalanceAfter).HasColumnName("balance_after");
        b.Property(x => x.ReservedAfter).HasColumnName("reserved_after");
        b.Property(x => x.IdempotencyKey).HasColumnName("idempotency_key").HasMaxLength(300);
        b.Property(x => x.ReservationId).HasColumnName("reservation_id");
        b.Property(x => x.InstanceId).HasColumnName("instance_id");
        b.Property(x => x.OrderId).HasColumnName("order_id").HasMaxLength(200);
        b.Property(x => x.Shortfall).HasColumnName("shortfall");
        b.Property(x => x.Reason).HasColumnName("reason").HasMaxLength(500);
        b.Property(x => x.CreatedAt).HasColumnName("created_at");
        b.HasOne<Tenant>().WithMany().HasForeignKey(x => x.TenantId).HasConstraintName("fk_credit_entries_tenant").OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.Kind, x.IdempotencyKey }).IsUnique().HasDatabaseName("ux_credit_entries_idempotency_key");
        b.HasIndex(x => new { x.TenantId, x.Id }).HasDatabaseName("ix_credit_entries_tenant");
        b.HasIndex(x => x.OrderId).HasFilter("order_id IS NOT NULL").HasDatabaseName("ix_credit_entries_order");
    }
}

sealed class ReservationConfiguration : IEntityTypeConfiguration<Reservation>
{
    public void Configure(EntityTypeBuilder<Reservation> b)
    {
        b.ToTable("reservations", t =>
        {
            t.HasCheckConstraint("ck_reservations_status", LowerCaseEnumConverter<ReservationStatus>.Check("status"));
            t.HasCheckConstraint("ck_reservations_amount", "amount > 0 AND (committed_amount IS NULL OR (committed_amount >= 0 AND committed_amount <= amount))");
        });
        b.HasKey(x => x.Id).HasName("pk_reservations");
        b.Property(x => x.Id).HasColumnName("id");
        b.Property(x => x.TenantId).HasColumnName("tenant_id");
        b.Property(x => x.InstanceId).HasColumnName("instance_id");
        b.Property(x => x.Amount).HasColumnName("amount");
        b.Property(x => x.Status).HasColumnName("status").HasMaxLength(20).HasConversion(new LowerCaseEnumConverter<ReservationStatus>());
        b.Property(x => x.CommittedAmount).HasColumnName("committed_amount");
        b.Property(x => x.IdempotencyKey).HasColumnName("idempotency_key").HasMaxLength(255);
        b.Property(x => x.ExpiresAt).HasColumnName("expires_at");
        b.Property(x => x.CreatedAt).HasColumnName("created_at");
        b.Property(x => x.SettledAt).HasColumnName("settled_at");
        b.HasOne<Tenant>().WithMany().HasForeignKey(x => x.TenantId).HasConstraintName("fk_reservations_tenant").OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.TenantId, x.IdempotencyKey }).IsUnique().HasDatabaseName("ux_reservations_idempotency_key");
        b.HasIndex(x => x.ExpiresAt).HasFilter("status = 'open'").HasDatabaseName("ix_reservations_open_expiry");
    }
}
