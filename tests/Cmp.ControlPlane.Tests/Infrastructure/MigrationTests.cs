using Cmp.ControlPlane.Infrastructure.Data;
using Cmp.Data;
using Cmp.Testing.Postgres;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Cmp.ControlPlane.Tests.Infrastructure;

/// <summary>The hand-written migrations against a real PostgreSQL: they apply, they are safe to run concurrently,
/// and they produce exactly the schema the EF model describes (there is no model snapshot to catch drift).</summary>
public sealed class MigrationTests(PostgresFixture pg)
{
    static ControlPlaneDbContext Context(string connectionString) =>
        new(new DbContextOptionsBuilder<ControlPlaneDbContext>().UseNpgsql(connectionString).Options);

    [Fact]
    public async Task Migrations_apply_to_an_empty_database_and_a_rerun_applies_nothing()
    {
        var cs = await pg.CreateDatabaseAsync("migrate");
        await using var db = Context(cs);

        await db.MigrateLockedAsync();
        await db.MigrateLockedAsync();

        (await db.Database.GetPendingMigrationsAsync()).Should().BeEmpty();
        (await db.Database.GetAppliedMigrationsAsync()).Should().Equal(db.Database.GetMigrations());
    }

    [Fact]
    public async Task Replicas_migrating_at_once_do_not_collide()
    {
        var cs = await pg.CreateDatabaseAsync("race");

        var replicas = Enumerable.Range(0, 4).Select(async _ =>
        {
            await using var db = Context(cs);
            await db.MigrateLockedAsync();
        });

        await Task.WhenAll(replicas);
        await using var check = Context(cs);
        (await check.Database.GetAppliedMigrationsAsync()).Should().Equal(check.Database.GetMigrations());
    }

    [Fact]
    public async Task The_migrated_schema_matches_the_model()
    {
        var migrated = await pg.CreateDatabaseAsync("drift_a");
        var created = await pg.CreateDatabaseAsync("drift_b");
        await using (var a = Context(migrated)) await a.MigrateLockedAsync();
        await using (var b = Context(created)) await b.Database.EnsureCreatedAsync();

        var fromMigrations = await SchemaFacts.ReadAsync(migrated);
        var fromModel = await SchemaFacts.ReadAsync(created);

        fromMigrations.Except(fromModel).Should().BeEmpty("a migration creates something the model does not declare");
        fromModel.Except(fromMigrations).Should().BeEmpty("the model declares something no migration creates (write a migration)");
    }
}

/// <summary>Columns, types, nullability, defaults, indexes and constraints of the public schema, as comparable strings.</summary>
static class SchemaFacts
{
    public static async Task<HashSet<string>> ReadAsync(string connectionString)
    {
        var facts = new HashSet<string>();
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync();
        await Collect(c, facts, """
            SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || coalesce('(' || character_maximum_length || ')', '')
                   || ' null=' || is_nullable || ' default=' || coalesce(column_default, '-') || ' identity=' || is_identity
            FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '__EFMigrationsHistory'
            """);
        await Collect(c, facts, """
            SELECT 'index ' || tablename || ' ' || regexp_replace(indexdef, '^CREATE (UNIQUE )?INDEX \S+ ', 'CREATE \1INDEX ')
            FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '__EFMigrationsHistory'
            """);
        await Collect(c, facts, """
            SELECT 'constraint ' || rel.relname || ' ' || con.conname || ' ' || pg_get_constraintdef(con.oid)
            FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid JOIN pg_namespace n ON n.oid = rel.relnamespace
            WHERE n.nspname = 'public' AND rel.relname <> '__EFMigrationsHistory'
            """);
        return facts;
    }

    static async Task Collect(NpgsqlConnection c, HashSet<string> facts, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, c);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) facts.Add(reader.GetString(0));
    }
}
