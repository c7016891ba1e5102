using Cmp.ControlPlane.Infrastructure.Data;
using Cmp.Testing.Postgres;
using Microsoft.EntityFrameworkCore;

namespace Cmp.ControlPlane.Tests.Infrastructure;

/// <summary>The control plane's hand-written migrations against a real PostgreSQL.</summary>
public sealed class MigrationTests(PostgresFixture pg)
{
    static ControlPlaneDbContext Create(string cs) => new(new DbContextOptionsBuilder<ControlPlaneDbContext>().UseNpgsql(cs).Options);

    [Fact]
    public Task Migrations_apply_to_an_empty_database_and_a_rerun_applies_nothing() => MigrationChecks.AppliesOnceAsync(pg, Create);

    [Fact]
    public Task Replicas_migrating_at_once_do_not_collide() => MigrationChecks.ConcurrentReplicasAsync(pg, Create);

    [Fact]
    public Task The_migrated_schema_matches_the_model() => MigrationChecks.SchemaMatchesModelAsync(pg, Create);
}
