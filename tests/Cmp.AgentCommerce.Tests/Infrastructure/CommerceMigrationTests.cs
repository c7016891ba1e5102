using Cmp.AgentCommerce.Tests.Harness;
using Cmp.Data;
using Cmp.Gateway.Infrastructure.Commerce;
using Microsoft.EntityFrameworkCore;
using Cmp.Testing.Postgres;
using Npgsql;

namespace Cmp.AgentCommerce.Tests.Infrastructure;

/// <summary>The hand-written commerce migrations against a real PostgreSQL: their own schema and history table, safe
/// to run from several replicas at once, and exactly the schema the EF model describes (there is no model snapshot).</summary>
public sealed class CommerceMigrationTests(CommerceWorld world)
{
    static CommerceDbContext Context(string cs) => new(new DbContextOptionsBuilder<CommerceDbContext>()
        .UseNpgsql(cs, o => o.MigrationsHistoryTable(CommerceDbContext.HistoryTable, CommerceDbContext.Schema)).Options);

    [Fact]
    public async Task Migrations_live_in_the_commerce_schema_with_their_own_history_and_a_rerun_applies_nothing()
    {
        var cs = await world.Postgres.CreateDatabaseAsync("cm_migrate");
        await using var db = Context(cs);
        await db.MigrateLockedAsync();
        await db.MigrateLockedAsync();
        (await db.Database.GetPendingMigrationsAsync()).Should().BeEmpty();
        await using var c = new NpgsqlConnection(cs);
        await c.OpenAsync();
        var tables = new List<string>();
        await using (var cmd = new NpgsqlCommand("SELECT table_schema || '.' || table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog','information_schema') ORDER BY 1", c))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) tables.Add(r.GetString(0));
        tables.Should().OnlyContain(t => t.StartsWith("commerce.", StringComparison.Ordinal), "nothing outside its schema, so it can share the gateway's database");
        tables.Should().Contain("commerce.__EFMigrationsHistory_commerce");
    }

    [Fact]
    public Task Replicas_migrating_at_once_do_not_collide() => MigrationChecks.ConcurrentReplicasAsync(world.Postgres, Context);

    [Fact]
    public Task The_migrated_schema_matches_the_model() => MigrationChecks.SchemaMatchesModelAsync(world.Postgres, Context);
}
