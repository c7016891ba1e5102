using Cmp.Gateway.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Cmp.Gateway.Infrastructure.Data.EntityConfigurations;

sealed class RunConfiguration : IEntityTypeConfiguration<RunRecord>
{
    public void Configure(EntityTypeBuilder<RunRecord> b)
    {
        b.ToTable("runs", t =>
        {
            t.HasCheckConstraint("ck_runs_status", SnakeCaseEnum<RunStatus>.Check("status"));
            t.HasCheckConstraint("ck_runs_settlement", SnakeCaseEnum<SettlementState>.Check("settlement"));
            t.HasCheckConstraint("ck_runs_caller_kind", SnakeCaseEnum<CallerKind>.Check("caller_kind"));
            // What is charged never exceeds what was reserved, and nothing is negative.
            t.HasCheckConstraint("ck_runs_credits", "credits_reserved >= 0 AND credits_charged >= 0 AND credits_charged <= credits_reserved");
        });
        b.HasKey(x => x.Id).HasName("pk_runs");
        b.Property(x => x.Id).HasColumnName("id");
        b.Property(x => x.TenantId).HasColumnName("tenant_id");
        b.Property(x => x.InstanceId).HasColumnName("instance_id");
        b.Property(x => x.CallerKind).HasColumnName("caller_kind").HasMaxLength(20).HasConversion(new SnakeCaseEnum<CallerKind>());
        b.Property(x => x.CallerId).HasColumnName("caller_id").HasMaxLength(200);
        b.Property(x => x.Status).HasColumnName("status").HasMaxLength(20).HasConversion(new SnakeCaseEnum<RunStatus>());
        b.Property(x => x.Stream).HasColumnName("stream");
        b.Property(x => x.SessionId).HasColumnName("session_id").HasMaxLength(200);
        b.Property(x => x.ReservationId).HasColumnName("reservation_id");
        b.Property(x => x.LeaseId).HasColumnName("lease_id");
        b.Property(x => x.CreditsReserved).HasColumnName("credits_reserved");
        b.Property(x => x.CreditsCharged).HasColumnName("credits_charged");
        b.Property(x => x.InputTokens).HasColumnName("input_tokens");
        b.Property(x => x.OutputTokens).HasColumnName("output_tokens");
        b.Property(x => x.LatencyMs).HasColumnName("latency_ms");
        b.Property(x => x.ErrorCode).HasColumnName("error_code").HasMaxLength(100);
        b.Property(x => x.Settlement).HasColumnName("settlement").HasMaxLength(20).HasConversion(new SnakeCaseEnum<SettlementState>());
        b.Property(x => x.SettlementAttempts).HasColumnName("settlement_attempts");
        b.Property(x => x.NextSettlementAt).HasColumnName("next_settlement_at");
        b.Property(x => x.SettlementError).HasColumnName("settlement_error").HasMaxLength(1000);
        b.Property(x => x.BalanceAfter).HasColumnName("balance_after");
        b.Property(x => x.IdempotencyKey).HasColumnName("idempotency_key").HasMaxLength(255);
        b.Property(x => x.RequestHash).HasColumnName("request_hash").HasMaxLength(64);
        b.Property(x => x.Outcome).HasColumnName("outcome").HasColumnType("jsonb");
        b.Property(x => x.CorrelationId).HasColumnName("correlation_id").HasMaxLength(128);
        b.Property(x => x.CreatedAt).HasColumnName("created_at");
        b.Property(x => x.CompletedAt).HasColumnName("completed_at");
        b.Property(x => x.SettledAt).HasColumnName("settled_at");
        b.Ignore(x => x.IsFinished);

        // Listing: a tenant's or an instance's runs, newest first (ids are UUIDv7, so id order is time order).
        b.HasIndex(x => new { x.TenantId, x.Id }).HasDatabaseName("ix_runs_tenant");
        b.HasIndex(x => new { x.InstanceId, x.Id }).HasDatabaseName("ix_runs_instance");
        // A repeated Idempotency-Key loses here, so two concurrent repeats can never both run.
        b.HasIndex(x => new { x.TenantId, x.IdempotencyKey }).IsUnique().HasFilter("idempotency_key IS NOT NULL").HasDatabaseName("ux_runs_idempotency_key");
        // The settlement worker's orphan sweep looks only at runs still running.
        b.HasIndex(x => x.CreatedAt).HasFilter("status = 'running'").HasDatabaseName("ix_runs_running");
        // The settlement worker's queue: only the few rows with work left.
        b.HasIndex(x => x.NextSettlementAt).HasFilter("settlement = 'pending'").HasDatabaseName("ix_runs_settlement_due");
        // Settling a credit lease sums (and marks) its runs.
        b.HasIndex(x => x.LeaseId).HasFilter("lease_id IS NOT NULL").HasDatabaseName("ix_runs_lease");
    }
}

/// <summary>Stores enums as snake_case names ("api_key", "succeeded"): readable in psql, stable if members move.</summary>
sealed class SnakeCaseEnum<TEnum>() : ValueConverter<TEnum, string>(v => Name(v), s => Parse(s))
    where TEnum : struct, Enum
{
    static readonly Dictionary<TEnum, string> Names = Enum.GetValues<TEnum>().ToDictionary(v => v, v => ToSnake(v.ToString()));
    static readonly Dictionary<string, TEnum> Values = Names.ToDictionary(kv => kv.Value, kv => kv.Key);

    public static string Name(TEnum value) => Names[value];
    public static TEnum Parse(string name) => Values[name];

    /// <summary>SQL for a check constraint listing the allowed values.</summary>
    public static string Check(string column) => $"{column} IN ({string.Join(", ", Names.Values.Select(n => $"'{n}'"))})";

    static string ToSnake(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));
}
