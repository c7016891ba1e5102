using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Cmp.Gateway.Infrastructure.Data.Migrations;

/// <summary>Credit leases (<c>Runs:CreditLeases</c>): the lease table, and which lease a run was metered against.</summary>
[DbContext(typeof(GatewayDbContext))]
[Migration("20261122100000_CreditLeases")]
public sealed class CreditLeases : Migration
{
    const string Ts = "timestamp with time zone";
    const string S = GatewayDbContext.Schema;

    protected override void Up(MigrationBuilder mb)
    {
        mb.CreateTable("credit_leases", schema: S, columns: c => new
        {
            id = c.Column<Guid>(type: "uuid", nullable: false),
            tenant_id = c.Column<Guid>(type: "uuid", nullable: false),
            reservation_id = c.Column<Guid>(type: "uuid", nullable: false),
            credits_reserved = c.Column<long>(type: "bigint", nullable: false),
            state = c.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
            credits_charged = c.Column<long>(type: "bigint", nullable: true),
            balance_after = c.Column<long>(type: "bigint", nullable: true),
            opened_at = c.Column<DateTimeOffset>(type: Ts, nullable: false),
            settle_after = c.Column<DateTimeOffset>(type: Ts, nullable: false),
            settlement_attempts = c.Column<int>(type: "integer", nullable: false),
            settlement_error = c.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
            settled_at = c.Column<DateTimeOffset>(type: Ts, nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_credit_leases", x => x.id);
            t.CheckConstraint("ck_credit_leases_state", "state IN ('open', 'committed', 'released', 'failed')");
            t.CheckConstraint("ck_credit_leases_credits", "credits_reserved > 0 AND (credits_charged IS NULL OR credits_charged BETWEEN 0 AND credits_reserved)");
        });
        mb.CreateIndex("ix_credit_leases_due", "credit_leases", "settle_after", schema: S, filter: "state = 'open'");
        mb.AddColumn<Guid>("lease_id", "runs", schema: S, type: "uuid", nullable: true);
        mb.CreateIndex("ix_runs_lease", "runs", "lease_id", schema: S, filter: "lease_id IS NOT NULL");
    }

    protected override void Down(MigrationBuilder mb)
    {
        mb.DropIndex("ix_runs_lease", "runs", schema: S);
        mb.DropColumn("lease_id", "runs", schema: S);
        mb.DropTable("credit_leases", schema: S);
    }
}
