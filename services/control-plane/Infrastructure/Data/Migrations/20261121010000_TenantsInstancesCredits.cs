using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Cmp.ControlPlane.Infrastructure.Data.Migrations;

/// <summary>Tenants, agent instances, API keys and the credit ledger; token pricing on offerings.</summary>
[DbContext(typeof(ControlPlaneDbContext))]
[Migration("20261121010000_TenantsInstancesCredits")]
public sealed class TenantsInstancesCredits : Migration
{
    const string Ts = "timestamp with time zone";

    protected override void Up(MigrationBuilder mb)
    {
        mb.AddColumn<long>("credits_per_1k_tokens", "offerings", type: "bigint", nullable: false, defaultValue: 0L);
        mb.AddColumn<long>("max_credits_per_run", "offerings", type: "bigint", nullable: false, defaultValue: 0L);
        mb.AddColumn<string>("managed_by", "offerings", type: "character varying(20)", maxLength: 20, nullable: false, defaultValue: "api");
        // Defaults only fill existing rows; the model sets every column explicitly.
        mb.Sql("ALTER TABLE offerings ALTER COLUMN credits_per_1k_tokens DROP DEFAULT, ALTER COLUMN max_credits_per_run DROP DEFAULT, ALTER COLUMN managed_by DROP DEFAULT");
        mb.AddCheckConstraint("ck_offerings_token_pricing", "offerings", "credits_per_1k_tokens >= 0 AND max_credits_per_run >= 0");

        mb.CreateTable("tenants", c => new
        {
            id = c.Column<Guid>(type: "uuid", nullable: false),
            email = c.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
            saleor_user_id = c.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
            keycloak_subject = c.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
            created_at = c.Column<DateTimeOffset>(type: Ts, nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_tenants", x => x.id);
            t.CheckConstraint("ck_tenants_email_lower", "email = lower(email)");
        });
        mb.CreateIndex("ux_tenants_email", "tenants", "email", unique: true);
        mb.CreateIndex("ux_tenants_saleor_user_id", "tenants", "saleor_user_id", unique: true);
        mb.CreateIndex("ux_tenants_keycloak_subject", "tenants", "keycloak_subject", unique: true);

        mb.CreateTable("instances", c => new
        {
            id = c.Column<Guid>(type: "uuid", nullable: false),
            tenant_id = c.Column<Guid>(type: "uuid", nullable: false),
            offering_sku = c.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
            status = c.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
            status_reason = c.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
            suspended_by = c.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
            flow_id = c.Column<Guid>(type: "uuid", nullable: false),
            source_order_id = c.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
            source_line_id = c.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
            source_unit = c.Column<int>(type: "integer", nullable: true),
            idempotency_key = c.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
            provisioning_attempts = c.Column<int>(type: "integer", nullable: false),
            next_attempt_at = c.Column<DateTimeOffset>(type: Ts, nullable: true),
            created_at = c.Column<DateTimeOffset>(type: Ts, nullable: false),
            updated_at = c.Column<DateTimeOffset>(type: Ts, nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_instances", x => x.id);
            t.ForeignKey("fk_instances_tenant", x => x.tenant_id, "tenants", "id", onDelete: ReferentialAction.Restrict);
            t.ForeignKey("fk_instances_offering", x => x.offering_sku, "offerings", "sku", onDelete: ReferentialAction.Restrict);
            t.CheckConstraint("ck_instances_status", "status IN ('provisioning', 'ready', 'suspended', 'failed', 'deleted')");
            t.CheckConstraint("ck_instances_suspended_by", "suspended_by IS NULL OR suspended_by IN ('tenant', 'platform', 'refund')");
        });
        mb.CreateIndex("ux_instances_idempotency_key", "instances", "idempotency_key", unique: true);
        mb.CreateIndex("ux_instances_flow_id", "instances", "flow_id", unique: true);
        mb.CreateIndex("ix_instances_tenant", "instances", "tenant_id");
        mb.CreateIndex("ix_instances_source_order", "instances", "source_order_id");
        mb.CreateIndex("ix_instances_offering_sku", "instances", "offering_sku");
        mb.CreateIndex("ix_instances_next_attempt", "instances", "next_attempt_at", filter: "next_attempt_at IS NOT NULL");

        mb.CreateTable("api_keys", c => new
        {
            id = c.Column<Guid>(type: "uuid", nullable: false),
            instance_id = c.Column<Guid>(type: "uuid", nullable: false),
            tenant_id = c.Column<Guid>(type: "uuid", nullable: false),
            name = c.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
            prefix = c.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
            hash = c.Column<byte[]>(type: "bytea", nullable: false),
            idempotency_key = c.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
            created_at = c.Column<DateTimeOffset>(type: Ts, nullable: false),
            revoked_at = c.Column<DateTimeOffset>(type: Ts, nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_api_keys", x => x.id);
            t.ForeignKey("fk_api_keys_instance", x => x.instance_id, "instances", "id", onDelete: ReferentialAction.Restrict);
        });
        mb.CreateIndex("ux_api_keys_hash", "api_keys", "hash", unique: true);
        mb.CreateIndex("ux_api_keys_idempotency_key", "api_keys", ["instance_id", "idempotency_key"], unique: true);

        mb.CreateTable("credit_accounts", c => new
        {
            tenant_id = c.Column<Guid>(type: "uuid", nullable: false),
            balance = c.Column<long>(type: "bigint", nullable: false),
            reserved = c.Column<long>(type: "bigint", nullable: false),
            updated_at = c.Column<DateTimeOffset>(type: Ts, nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_credit_accounts", x => x.tenant_id);
            t.ForeignKey("fk_credit_accounts_tenant", x => x.tenant_id, "tenants", "id", onDelete: ReferentialAction.Restrict);
            t.CheckConstraint("ck_credit_accounts_balance", "balance >= 0");
            t.CheckConstraint("ck_credit_accounts_reserved", "reserved >= 0 AND reserved <= balance");
        });

        mb.CreateTable("credit_entries", c => new
        {
            id = c.Column<long>(type: "bigint", nullable: false)
                .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
            tenant_id = c.Column<Guid>(type: "uuid", nullable: false),
            kind = c.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
            amount = c.Column<long>(type: "bigint", nullable: false),
            balance_delta = c.Column<long>(type: "bigint", nullable: false),
            reserved_delta = c.Column<long>(type: "bigint", nullable: false),
            balance_after = c.Column<long>(type: "bigint", nullable: false),
            reserved_after = c.Column<long>(type: "bigint", nullable: false),
            idempotency_key = c.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
            reservation_id = c.Column<Guid>(type: "uuid", nullable: true),
            instance_id = c.Column<Guid>(type: "uuid", nullable: true),
            order_id = c.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
            shortfall = c.Column<long>(type: "bigint", nullable: false),
            reason = c.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
            created_at = c.Column<DateTimeOffset>(type: Ts, nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_credit_entries", x => x.id);
            t.ForeignKey("fk_credit_entries_tenant", x => x.tenant_id, "tenants", "id", onDelete: ReferentialAction.Restrict);
            t.CheckConstraint("ck_credit_entries_kind", "kind IN ('grant', 'reserve', 'commit', 'release', 'refund', 'clawback')");
            t.CheckConstraint("ck_credit_entries_amount", "amount >= 0 AND shortfall >= 0");
        });
        mb.CreateIndex("ux_credit_entries_idempotency_key", "credit_entries", ["kind", "idempotency_key"], unique: true);
        mb.CreateIndex("ix_credit_entries_tenant", "credit_entries", ["tenant_id", "id"]);
        mb.CreateIndex("ix_credit_entries_order", "credit_entries", "order_id", filter: "order_id IS NOT NULL");

        mb.CreateTable("reservations", c => new
        {
            id = c.Column<Guid>(type: "uuid", nullable: false),
            tenant_id = c.Column<Guid>(type: "uuid", nullable: false),
            instance_id = c.Column<Guid>(type: "uuid", nullable: true),
            amount = c.Column<long>(type: "bigint", nullable: false),
            status = c.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
            committed_amount = c.Column<long>(type: "bigint", nullable: true),
            idempotency_key = c.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
            expires_at = c.Column<DateTimeOffset>(type: Ts, nullable: false),
            created_at = c.Column<DateTimeOffset>(type: Ts, nullable: false),
            settled_at = c.Column<DateTimeOffset>(type: Ts, nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_reservations", x => x.id);
            t.ForeignKey("fk_reservations_tenant", x => x.tenant_id, "tenants", "id", onDelete: ReferentialAction.Restrict);
            t.CheckConstraint("ck_reservations_status", "status IN ('open', 'committed', 'released', 'expired')");
            t.CheckConstraint("ck_reservations_amount", "amount > 0 AND (committed_amount IS NULL OR (committed_amount >= 0 AND committed_amount <= amount))");
        });
        mb.CreateIndex("ux_reservations_idempotency_key", "reservations", ["tenant_id", "idempotency_key"], unique: true);
        mb.CreateIndex("ix_reservations_open_expiry", "reservations", "expires_at", filter: "status = 'open'");
    }

    protected override void Down(MigrationBuilder mb)
    {
        foreach (var table in new[] { "reservations", "credit_entries", "credit_accounts", "api_keys", "instances", "tenants" })
            mb.DropTable(table);
        mb.DropCheckConstraint("ck_offerings_token_pricing", "offerings");
        mb.DropColumn("managed_by", "offerings");
        mb.DropColumn("max_credits_per_run", "offerings");
        mb.DropColumn("credits_per_1k_tokens", "offerings");
    }
}
