using Cmp.Data;
using Cmp.Gateway.Infrastructure.Data;
using Cmp.Gateway.Tests.Support;
using Cmp.Testing.Hosting;
using Cmp.Testing.Postgres;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Cmp.Gateway.Tests.Infrastructure;

/// <summary>The hand-written migrations against a real PostgreSQL: they apply, replicas can run them at once, and they
/// produce exactly the schema the EF model describes (there is no model snapshot to catch drift).</summary>
public sealed class MigrationTests(Platform platform)
{
    static GatewayDbContext Context(string connectionString) =>
        new(GatewayDatabase.Configure(new DbContextOptionsBuilder<GatewayDbContext>(), connectionString).Options as DbContextOptions<GatewayDbContext>
            ?? throw new InvalidOperationException());

    [Fact]
    public Task Migrations_apply_to_an_empty_database_and_a_rerun_applies_nothing() => MigrationChecks.AppliesOnceAsync(platform.Postgres, Context);

    [Fact]
    public Task Replicas_migrating_at_once_do_not_collide() => MigrationChecks.ConcurrentReplicasAsync(platform.Postgres, Context);

    [Fact]
    public Task The_migrated_schema_matches_the_model() => MigrationChecks.SchemaMatchesModelAsync(platform.Postgres, Context);

    [Fact]
    public async Task The_history_lives_in_the_runs_schema_so_other_contexts_can_share_the_database()
    {
        var cs = await platform.Postgres.CreateDatabaseAsync("gw_history");
        await using (var db = Context(cs)) await db.MigrateLockedAsync();

        var tables = await ReadAsync(cs, "SELECT table_schema || '.' || table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')");

        tables.Should().BeEquivalentTo("runs.runs", "runs.credit_leases", "runs.__EFMigrationsHistory");
    }

    [Fact]
    public async Task The_migrate_command_applies_the_runs_and_commerce_migrations_and_exits()
    {
        var target = await platform.Postgres.CreateDatabaseAsync("gw_migrate_cmd");
        var settings = platform.GatewaySettings(new()
        {
            ["ConnectionStrings:Gateway"] = target,
            ["Saleor:ApiUrl"] = "http://127.0.0.1:9/graphql/",   // agent commerce on; never called by `migrate`
        });

        var (exitCode, output) = await ServiceProcess.RunCommandAsync(typeof(Cmp.Gateway.Program).Assembly.Location, ["migrate"], settings);

        exitCode.Should().Be(0, output);
        var tables = await ReadAsync(target, "SELECT table_schema || '.' || table_name FROM information_schema.tables WHERE table_name LIKE '__EFMigrationsHistory%'");
        tables.Should().BeEquivalentTo("runs.__EFMigrationsHistory", "commerce.__EFMigrationsHistory_commerce");
        await using var db = Context(target);
        (await db.Database.GetPendingMigrationsAsync()).Should().BeEmpty();
    }

    static async Task<List<string>> ReadAsync(string cs, string sql)
    {
        var rows = new List<string>();
        await using var c = new NpgsqlConnection(cs);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }
}
