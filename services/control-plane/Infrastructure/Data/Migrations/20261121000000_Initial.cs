using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Cmp.ControlPlane.Infrastructure.Data.Migrations;

/// <summary>Offerings: what CMP sells, keyed by Saleor SKU.</summary>
[DbContext(typeof(ControlPlaneDbContext))]
[Migration("20261121000000_Initial")]
public sealed class Initial : Migration
{
    protected override void Up(MigrationBuilder mb)
    {
        mb.CreateTable("offerings", c => new
        {
            sku = c.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
            kind = c.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
            display_name = c.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
            price_minor = c.Column<long>(type: "bigint", nullable: false),
            currency = c.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: false),
            flow_template = c.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
            credits_per_unit = c.Column<long>(type: "bigint", nullable: false),
            credits_per_run = c.Column<long>(type: "bigint", nullable: false),
            enabled = c.Column<bool>(type: "boolean", nullable: false),
            created_at = c.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
            updated_at = c.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
        }, constraints: t =>
        {
            t.PrimaryKey("pk_offerings", x => x.sku);
            t.CheckConstraint("ck_offerings_kind", "kind IN ('agent', 'credits')");
            t.CheckConstraint("ck_offerings_amounts", "price_minor >= 0 AND credits_per_unit >= 0 AND credits_per_run >= 0");
        });
    }

    protected override void Down(MigrationBuilder mb) => mb.DropTable("offerings");
}
