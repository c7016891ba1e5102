using Cmp.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Cmp.Testing.Postgres;

/// <summary>
/// The checks every hand-written migration set must pass (there is no EF model snapshot to catch drift): it applies
/// to an empty database and a re-run applies nothing, replicas migrating at once do not collide, and the schema it
/// produces is exactly the one the model describes (compared with <c>EnsureCreated</c> on a second database).
/// </summary>
public static class MigrationChecks
{
    public static async Task AppliesOnceAsync<T>(PostgresFixture pg, Func<string, T> create) where T : DbContext
    {
        var cs = await pg.CreateDatabaseAsync("migrate");
        await using var db = create(cs);
        await db.MigrateLockedAsync();
        await db.MigrateLockedAsync();
        Check(!(await db.Database.GetPendingMigrationsAsync()).Any(), "a second run left migrations pending");
        Check(db.Database.GetMigrations().SequenceEqual(await db.Database.GetAppliedMigrationsAsync()), "not every migration was applied, in order");
    }

    public static async Task ConcurrentReplicasAsync<T>(PostgresFixture pg, Func<string, T> create) where T : DbContext
    {
        var cs = await pg.CreateDatabaseAsync("race");
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            await using var db = create(cs);
            await db.MigrateLockedAsync();
        }));
        await using var check = create(cs);
        Check(check.Database.GetMigrations().SequenceEqual(await check.Database.GetAppliedMigrationsAsync()), "concurrent replicas left the history inconsistent");
    }

    public static async Task SchemaMatchesModelAsync<T>(PostgresFixture pg, Func<string, T> create) where T : DbContext
    {
        var migrated = await pg.CreateDatabaseAsync("drift_a");
        var created = await pg.CreateDatabaseAsync("drift_b");
        await using (var a = create(migrated)) await a.MigrateLockedAsync();
        await using (var b = create(created)) await b.Database.EnsureCreatedAsync();
        var fromMigrations = await ReadAsync(migrated);
        var fromModel = await ReadAsync(created);
        var extra = fromMigrations.Except(fromModel).Order().ToList();
        var missing = fromModel.Except(fromMigrations).Order().ToList();
        Check(extra.Count == 0 && missing.Count == 0,
            "Migrations and model disagree.\nOnly in migrations:\n  " + string.Join("\n  ", extra) +
            "\nOnly in the model (write a migration):\n  " + string.Join("\n  ", missing));
    }

    static void Check(bool ok, string message)
    {
        if (!ok) throw new InvalidOperationException(message);
    }

    /// <summary>Columns, types, nullability, defaults, indexes and constraints of every non-system schema, as comparable strings.</summary>
    static async Task<HashSet<string>> ReadAsync(string connectionString)
    {
        var facts = new HashSet<string>();
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync();
        await Collect(c, facts, """
            SELECT 'column ' || table_schema || '.' || table_name || '.' || column_name || ' ' || data_type || coalesce('(' || character_maximum_length || ')', '')
                   || ' null=' || is_nullable || ' default=' || coalesce(column_default, '-') || ' identity=' || is_identity
            FROM information_schema.columns
            WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_name NOT LIKE '__EFMigrationsHistory%'
            """);
        await Collect(c, facts, """
            SELECT 'index ' || schemaname || '.' || tablename || ' ' || regexp_replace(indexdef, '^CREATE (UNIQUE )?INDEX \S+ ', 'CREATE \1INDEX ')
            FROM pg_indexes
            WHERE schemaname NOT IN ('pg_catalog', 'information_schema') AND tablename NOT LIKE '__EFMigrationsHistory%'
            """);
        await Collect(c, facts, """
            SELECT 'constraint ' || n.nspname || '.' || rel.relname || ' ' || con.conname || ' ' || pg_get_constraintdef(con.oid)
            FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid JOIN pg_namespace n ON n.oid = rel.relnamespace
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND rel.relname NOT LIKE '__EFMigrationsHistory%'
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
