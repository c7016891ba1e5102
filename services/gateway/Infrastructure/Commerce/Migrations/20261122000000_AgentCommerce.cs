using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Migrations.Operations.Builders;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Cmp.Gateway.Infrastructure.Commerce.Migrations;

/// <summary>Checkout sessions, payment attempts, idempotency keys, the test PSP's vault tokens and charges, and the
/// order-event outbox, in schema <c>commerce</c>.</summary>
[DbContext(typeof(CommerceDbContext))]
[Migration("20261122000000_AgentCommerce")]
public sealed class AgentCommerce : Migration
{
    const string S = CommerceDbContext.Schema;
    const string Ts = "timestamp with time zone";

    static OperationBuilder<AddColumnOperation> Str(ColumnsBuilder c, int length, bool nullable = false) =>
        c.Column<string>(type: $"character varying({length})", maxLength: length, nullable: nullable);

    protected override void Up(MigrationBuilder mb)
    {
        mb.EnsureSchema(S);

        mb.CreateTable("checkout_sessions", schema: S, columns: c => new
        {
            id = Str(c, 40),
            owner = Str(c, 200),
            api_version = Str(c, 10),
            saleor_checkout_id = Str(c, 200),
            channel = Str(c, 100),
            currency = Str(c, 3),
            status = Str(c, 30),
            buyer = c.Column<string>(type: "jsonb", nullable: true),
            agent_capabilities = c.Column<string>(type: "jsonb", nullable: true),
            locale = Str(c, 35, nullable: true),
            last_quoted_total = c.Column<long>(type: "bigint", nullable: true),
            authentication = c.Column<string>(type: "jsonb", nullable: true),
            order_id = Str(c, 200, nullable: true),
            order_number = Str(c, 50, nullable: true),
            snapshot = c.Column<string>(type: "jsonb", nullable: true),
            order_status = Str(c, 30, nullable: true),
            next_order_check_at = c.Column<DateTimeOffset>(type: Ts, nullable: true),
            completing_until = c.Column<DateTimeOffset>(type: Ts, nullable: true),
            created_at = c.Column<DateTimeOffset>(type: Ts, nullable: false),
            updated_at = c.Column<DateTimeOffset>(type: Ts, nullable: false),
            expires_at = c.Column<DateTimeOffset>(type: Ts, nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_checkout_sessions", x => x.id);
            t.CheckConstraint("ck_checkout_sessions_status", "status IN ('open', 'authentication_required', 'completed', 'canceled')");
        });
        mb.CreateIndex("ux_checkout_sessions_saleor_checkout", "checkout_sessions", "saleor_checkout_id", schema: S, unique: true);
        mb.CreateIndex("ix_checkout_sessions_order", "checkout_sessions", "order_id", schema: S, filter: "order_id IS NOT NULL");
        mb.CreateIndex("ix_checkout_sessions_next_order_check", "checkout_sessions", "next_order_check_at", schema: S, filter: "next_order_check_at IS NOT NULL");

        mb.CreateTable("payment_attempts", schema: S, columns: c => new
        {
            id = c.Column<long>(type: "bigint", nullable: false)
                .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
            session_id = Str(c, 40),
            number = c.Column<int>(type: "integer", nullable: false),
            provider = Str(c, 30),
            token_hash = Str(c, 64),
            token_hint = Str(c, 40),
            amount = c.Column<long>(type: "bigint", nullable: false),
            currency = Str(c, 3),
            provider_idempotency_key = Str(c, 255),
            status = Str(c, 30),
            psp_reference = Str(c, 200, nullable: true),
            saleor_transaction_id = Str(c, 200, nullable: true),
            failure_code = Str(c, 100, nullable: true),
            failure_message = Str(c, 1000, nullable: true),
            created_at = c.Column<DateTimeOffset>(type: Ts, nullable: false),
            updated_at = c.Column<DateTimeOffset>(type: Ts, nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_payment_attempts", x => x.id);
            t.ForeignKey("fk_payment_attempts_session", x => x.session_id, "checkout_sessions", "id", principalSchema: S, onDelete: ReferentialAction.Restrict);
            t.CheckConstraint("ck_payment_attempts_status",
                "status IN ('pending', 'succeeded', 'declined', 'requires_authentication', 'failed', 'refunded')");
        });
        mb.CreateIndex("ux_payment_attempts_session_number", "payment_attempts", ["session_id", "number"], schema: S, unique: true);
        mb.CreateIndex("ux_payment_attempts_one_success", "payment_attempts", "session_id", schema: S, unique: true, filter: "status = 'succeeded'");

        mb.CreateTable("idempotency_keys", schema: S, columns: c => new
        {
            id = c.Column<long>(type: "bigint", nullable: false)
                .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
            scope = Str(c, 200),
            route = Str(c, 300),
            key = Str(c, 255),
            fingerprint = Str(c, 64),
            state = Str(c, 20),
            status_code = c.Column<int>(type: "integer", nullable: true),
            headers = c.Column<string>(type: "jsonb", nullable: true),
            body = c.Column<byte[]>(type: "bytea", nullable: true),
            created_at = c.Column<DateTimeOffset>(type: Ts, nullable: false),
            expires_at = c.Column<DateTimeOffset>(type: Ts, nullable: false),
            locked_until = c.Column<DateTimeOffset>(type: Ts, nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_idempotency_keys", x => x.id);
            t.CheckConstraint("ck_idempotency_keys_state", "state IN ('in_flight', 'completed')");
        });
        mb.CreateIndex("ux_idempotency_keys_scope_route_key", "idempotency_keys", ["scope", "route", "key"], schema: S, unique: true);
        mb.CreateIndex("ix_idempotency_keys_expires_at", "idempotency_keys", "expires_at", schema: S);

        mb.CreateTable("vault_tokens", schema: S, columns: c => new
        {
            token_hash = Str(c, 64),
            hint = Str(c, 20),
            owner = Str(c, 200),
            max_amount = c.Column<long>(type: "bigint", nullable: false),
            currency = Str(c, 3),
            checkout_session_id = Str(c, 200),
            merchant_id = Str(c, 256),
            expires_at = c.Column<DateTimeOffset>(type: Ts, nullable: false),
            card_brand = Str(c, 30),
            card_last4 = Str(c, 4),
            card_funding = Str(c, 10),
            behaviour = Str(c, 30),
            status = Str(c, 20),
            used_at = c.Column<DateTimeOffset>(type: Ts, nullable: true),
            charge_id = Str(c, 40, nullable: true),
            metadata = c.Column<string>(type: "jsonb", nullable: false),
            created_at = c.Column<DateTimeOffset>(type: Ts, nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_vault_tokens", x => x.token_hash);
            t.CheckConstraint("ck_vault_tokens_status", "status IN ('active', 'used')");
        });

        mb.CreateTable("test_psp_charges", schema: S, columns: c => new
        {
            id = Str(c, 40),
            idempotency_key = Str(c, 255),
            token_hash = Str(c, 64),
            amount = c.Column<long>(type: "bigint", nullable: false),
            currency = Str(c, 3),
            checkout_session_id = Str(c, 200),
            status = Str(c, 30),
            refunded_amount = c.Column<long>(type: "bigint", nullable: false),
            created_at = c.Column<DateTimeOffset>(type: Ts, nullable: false),
            updated_at = c.Column<DateTimeOffset>(type: Ts, nullable: false),
        }, constraints: t => t.PrimaryKey("pk_test_psp_charges", x => x.id));
        mb.CreateIndex("ux_test_psp_charges_idempotency_key", "test_psp_charges", "idempotency_key", schema: S, unique: true);
        mb.CreateIndex("ix_test_psp_charges_token", "test_psp_charges", "token_hash", schema: S);

        mb.CreateTable("order_events", schema: S, columns: c => new
        {
            id = c.Column<long>(type: "bigint", nullable: false)
                .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
            owner = Str(c, 200),
            session_id = Str(c, 40),
            order_id = Str(c, 200),
            event_type = Str(c, 50),
            api_version = Str(c, 10),
            payload = c.Column<byte[]>(type: "bytea", nullable: false),
            created_at = c.Column<DateTimeOffset>(type: Ts, nullable: false),
            next_attempt_at = c.Column<DateTimeOffset>(type: Ts, nullable: false),
            attempts = c.Column<int>(type: "integer", nullable: false),
            lease_until = c.Column<DateTimeOffset>(type: Ts, nullable: true),
            delivered_at = c.Column<DateTimeOffset>(type: Ts, nullable: true),
            dead_at = c.Column<DateTimeOffset>(type: Ts, nullable: true),
            last_status = c.Column<int>(type: "integer", nullable: true),
            last_error = Str(c, 1000, nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_order_events", x => x.id);
            t.ForeignKey("fk_order_events_session", x => x.session_id, "checkout_sessions", "id", principalSchema: S, onDelete: ReferentialAction.Restrict);
        });
        mb.CreateIndex("ix_order_events_due", "order_events", "next_attempt_at", schema: S, filter: "delivered_at IS NULL AND dead_at IS NULL");
        mb.CreateIndex("ix_order_events_order", "order_events", "order_id", schema: S);
        mb.CreateIndex("ix_order_events_session", "order_events", "session_id", schema: S);
    }

    protected override void Down(MigrationBuilder mb)
    {
        mb.DropTable("order_events", S);
        mb.DropTable("test_psp_charges", S);
        mb.DropTable("vault_tokens", S);
        mb.DropTable("idempotency_keys", S);
        mb.DropTable("payment_attempts", S);
        mb.DropTable("checkout_sessions", S);
    }
}
