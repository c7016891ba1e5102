using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Cmp.ControlPlane.Infrastructure.Data.Migrations;

/// <summary>The operator's instance mirror asks every few seconds which instances changed since its last look.</summary>
[DbContext(typeof(ControlPlaneDbContext))]
[Migration("20261201000000_InstancesUpdatedAtIndex")]
public sealed class InstancesUpdatedAtIndex : Migration
{
    protected override void Up(MigrationBuilder mb) => mb.CreateIndex("ix_instances_updated_at", "instances", "updated_at");

    protected override void Down(MigrationBuilder mb) => mb.DropIndex("ix_instances_updated_at", "instances");
}
