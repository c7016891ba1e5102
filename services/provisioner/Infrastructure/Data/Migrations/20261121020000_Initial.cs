using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Cmp.Provisioner.Infrastructure.Data.Migrations;

/// <summary>The inbox of Saleor deliveries and the per-order state.</summary>
[DbContext(typeof(ProvisionerDbContext))]
[Migration("20261121020000_Initial")]
public sealed class Initial : Migration
{
    const string Ts = "timestamp with time zone";

    protected override void Up(MigrationBuilder mb)
    {
        mb.CreateTable("inbox_messages", c => new
        {
            id = c.Column<long>(type: "bigint", nullable: false)
                .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
            source = c.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
            message_key = c.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
            event_type = c.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
            partition_key = c.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
            payload = c.Column<string>(type: "text", nullable: false),
            status = c.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
            attempts = c.Column<int>(type: "integer", nullable: false),
            delivery_count = c.Column<int>(type: "integer", nullable: false),
            received_at = c.Column<DateTimeOffset>(type: Ts, nullable: false),
            next_attempt_at = c.Column<DateTimeOffset>(type: Ts, nullable: true),
            processed_at = c.Column<DateTimeOffset>(type: Ts, nullable: true),
            last_error = c.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
            outcome = c.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_inbox_messages", x => x.id);
            t.CheckConstraint("ck_inbox_messages_status", "status IN ('pending', 'done', 'dead')");
        });
        mb.CreateIndex("ux_inbox_messages_key", "inbox_messages", ["source", "message_key"], unique: true);
        mb.CreateIndex("ix_inbox_messages_due", "inbox_messages", "next_attempt_at", filter: "status = 'pending'");
        mb.CreateIndex("ix_inbox_messages_partition", "inbox_messages", "partition_key");

        mb.CreateTable("orders", c => new
        {
            order_id = c.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
            order_number = c.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
            tenant_id = c.Column<Guid>(type: "uuid", nullable: true),
            provisioned_at = c.Column<DateTimeOffset>(type: Ts, nullable: true),
            revoked_at = c.Column<DateTimeOffset>(type: Ts, nullable: true),
            revoked_by = c.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
            summary = c.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
            updated_at = c.Column<DateTimeOffset>(type: Ts, nullable: false),
        }, constraints: t => t.PrimaryKey("pk_orders", x => x.order_id));
    }

    protected override void Down(MigrationBuilder mb)
    {
        mb.DropTable("orders");
        mb.DropTable("inbox_messages");
    }
}
