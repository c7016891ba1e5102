using Cmp.AgentCommerce.Tests.Harness;
using Cmp.Data;
using Cmp.Gateway.Infrastructure.Commerce;
using Microsoft.EntityFrameworkCore;
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
    public async Task Replicas_migrating_at_once_do_not_collide()
    {
        var cs = await world.Postgres.CreateDatabaseAsync("cm_race");
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ => { await using var db = Context(cs); await db.MigrateLockedAsync(); }));
        await using var check = Context(cs);
        (await check.Database.GetAppliedMigrationsAsync()).Should().Equal(check.Database.GetMigrations());
    }

    [Fact]
    public async Task The_migrated_schema_matches_the_model()
    {
        var migrated = await world.Postgres.CreateDatabaseAsync("cm_drift_a");
        var created = await world.Postgres.CreateDatabaseAsync("cm_drift_b");
        await using (var a = Context(migrated)) await a.MigrateLockedAsync();
        await using (var b = Context(created)) await b.Database.EnsureCreatedAsync();
        var fromMigrations = await Facts(migrated);
        var fromModel = await Facts(created);
        fromMigrations.Except(fromModel).Should().BeEmpty("a migration creates something the model does not declare");
        fromModel.Except(fromMigrations).Should().BeEmpty("the model declares something no migration creates (write a migration)");
        fromModel.Should().Contain(f => f.StartsWith("index payment_attempts", StringComparison.Ordinal) && f.Contains("succeeded", StringComparison.Ordinal),
            "the facts are read at all (the one-success partial index)");
    }

    static async Task<HashSet<string>> Facts(string cs)
    {
        var facts = new HashSet<string>();
        await using var c = new NpgsqlConnection(cs);
        await c.OpenAsync();
        foreach (var sql in new[]
        {
            """
            SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || coalesce('(' || character_maximum_length || ')', '')
                   || ' null=' || is_nullable || ' default=' || coalesce(column_default, '-') || ' identity=' || is_identity
            FROM information_schema.columns WHERE table_schema = 'commerce' AND table_name NOT LIKE '__EFMigrationsHistory%'
            """,
            """
            SELECT 'index ' || tablename || ' ' || regexp_replace(indexdef, '^CREATE (UNIQUE )?INDEX \S+ ', 'CREATE \1INDEX ')
            FROM pg_indexes WHERE schemaname = 'commerce' AND tablename NOT LIKE '__EFMigrationsHistory%'
            """,
            """
            SELECT 'constraint ' || rel.relname || ' ' || con.conname || ' ' || pg_get_constraintdef(con.oid)
            FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid JOIN pg_namespace n ON n.oid = rel.relnamespace
            WHERE n.nspname = 'commerce' AND rel.relname NOT LIKE '__EFMigrationsHistory%'
            """,
        })
        {
            await using var cmd = new NpgsqlCommand(sql, c);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) facts.Add(r.GetString(0));
        }
        return facts;
    }
}
