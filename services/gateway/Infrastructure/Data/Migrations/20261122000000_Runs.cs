using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Cmp.Gateway.Infrastructure.Data.Migrations;

/// <summary>The run records of metered runs.</summary>
[DbContext(typeof(GatewayDbContext))]
[Migration("20261122000000_Runs")]
public sealed class Runs : Migration
{
    const string Ts = "timestamp with time zone";
    const string S = GatewayDbContext.Schema;

    protected override void Up(MigrationBuilder mb)
    {
        mb.EnsureSchema(S);
        mb.CreateTable("runs", schema: S, columns: c => new
        {
            id = c.Column<Guid>(type: "uuid", nullable: false),
            tenant_id = c.Column<Guid>(type: "uuid", nullable: false),
            instance_id = c.Column<Guid>(type: "uuid", nullable: false),
            caller_kind = c.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
            caller_id = c.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
            status = c.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
            stream = c.Column<bool>(type: "boolean", nullable: false),
            session_id = c.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
            reservation_id = c.Column<Guid>(type: "uuid", nullable: true),
            credits_reserved = c.Column<long>(type: "bigint", nullable: false),
            credits_charged = c.Column<long>(type: "bigint", nullable: false),
            input_tokens = c.Column<long>(type: "bigint", nullable: false),
            output_tokens = c.Column<long>(type: "bigint", nullable: false),
            latency_ms = c.Column<long>(type: "bigint", nullable: true),
            error_code = c.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
            settlement = c.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
            settlement_attempts = c.Column<int>(type: "integer", nullable: false),
            next_settlement_at = c.Column<DateTimeOffset>(type: Ts, nullable: true),
            settlement_error = c.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
            balance_after = c.Column<long>(type: "bigint", nullable: true),
            idempotency_key = c.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
            request_hash = c.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
            outcome = c.Column<string>(type: "jsonb", nullable: true),
            correlation_id = c.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
            created_at = c.Column<DateTimeOffset>(type: Ts, nullable: false),
            completed_at = c.Column<DateTimeOffset>(type: Ts, nullable: true),
            settled_at = c.Column<DateTimeOffset>(type: Ts, nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_runs", x => x.id);
            t.CheckConstraint("ck_runs_status", "status IN ('running', 'succeeded', 'failed', 'cancelled')");
            t.CheckConstraint("ck_runs_settlement", "settlement IN ('none', 'pending', 'committed', 'released', 'failed')");
            t.CheckConstraint("ck_runs_caller_kind", "caller_kind IN ('api_key', 'user', 'widget')");
            t.CheckConstraint("ck_runs_credits", "credits_reserved >= 0 AND credits_charged >= 0 AND credits_charged <= credits_reserved");
        });
        mb.CreateIndex("ix_runs_tenant", "runs", ["tenant_id", "id"], schema: S);
        mb.CreateIndex("ix_runs_instance", "runs", ["instance_id", "id"], schema: S);
        mb.CreateIndex("ux_runs_idempotency_key", "runs", ["tenant_id", "idempotency_key"], schema: S, unique: true, filter: "idempotency_key IS NOT NULL");
        mb.CreateIndex("ix_runs_running", "runs", "created_at", schema: S, filter: "status = 'running'");
        mb.CreateIndex("ix_runs_settlement_due", "runs", "next_settlement_at", schema: S, filter: "settlement = 'pending'");
    }

    protected override void Down(MigrationBuilder mb) => mb.DropTable("runs", schema: S);
}
