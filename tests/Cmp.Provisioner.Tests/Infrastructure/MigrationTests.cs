using Cmp.Provisioner.Infrastructure.Data;
using Cmp.Testing.Postgres;
using Microsoft.EntityFrameworkCore;

namespace Cmp.Provisioner.Tests.Infrastructure;

/// <summary>The provisioner's hand-written migrations (inbox and order state) against a real PostgreSQL.</summary>
public sealed class MigrationTests(PostgresFixture pg)
{
    static ProvisionerDbContext Create(string cs) => new(new DbContextOptionsBuilder<ProvisionerDbContext>().UseNpgsql(cs).Options);

    [Fact]
    public Task Migrations_apply_to_an_empty_database_and_a_rerun_applies_nothing() => MigrationChecks.AppliesOnceAsync(pg, Create);

    [Fact]
    public Task Replicas_migrating_at_once_do_not_collide() => MigrationChecks.ConcurrentReplicasAsync(pg, Create);

    [Fact]
    public Task The_migrated_schema_matches_the_model() => MigrationChecks.SchemaMatchesModelAsync(pg, Create);
}
