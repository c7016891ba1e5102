using System.Diagnostics;
using Cmp.Testing.Postgres;
using Npgsql;

namespace Cmp.Testing.Tests;

/// <summary>The throwaway PostgreSQL the whole suite stands on: it starts from the local binaries, serves, stops
/// without leftovers, and a run that was killed leaves nothing behind after the next start.</summary>
public sealed class PgClusterTests
{
    [Fact]
    public async Task An_ephemeral_cluster_serves_queries_and_leaves_nothing_after_dispose()
    {
        var cluster = await PgCluster.StartEphemeralAsync();
        var root = cluster.Root;

        var db = await cluster.CreateDatabaseAsync("smoke");
        await using (var c = new NpgsqlConnection(db))
        {
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT 41 + 1", c);
            ((int)(await cmd.ExecuteScalarAsync())!).Should().Be(42);
        }
        await cluster.DisposeAsync();

        Directory.Exists(root).Should().BeFalse();
        FreePort.IsListening(cluster.Port).Should().BeFalse();
    }

    [Fact]
    public async Task A_cluster_left_by_a_killed_run_is_removed_by_the_next_start()
    {
        // Simulate a dead owner: a cluster whose owner.pid names a process that no longer exists.
        var orphan = await PgCluster.StartEphemeralAsync();
        using (var gone = Process.Start(new ProcessStartInfo("true"))!) { await gone.WaitForExitAsync(); await File.WriteAllTextAsync(Path.Combine(orphan.Root, "owner.pid"), gone.Id.ToString()); }

        await using var next = await PgCluster.StartEphemeralAsync();

        Directory.Exists(orphan.Root).Should().BeFalse();
        FreePort.IsListening(orphan.Port).Should().BeFalse();
    }

    [Fact]
    public async Task A_fresh_cluster_starts_empty_even_over_an_earlier_run_still_running()
    {
        var root = Path.Combine(Path.GetTempPath(), "cmp-fresh-" + Guid.NewGuid().ToString("N"));
        var port = FreePort.Next();
        try
        {
            var first = await PgCluster.StartFreshAsync(root, port);
            var db = await first.CreateDatabaseAsync("left_over");
            await using (var c = new NpgsqlConnection(db))
            {
                await c.OpenAsync();
                await using var cmd = new NpgsqlCommand("CREATE TABLE t(x int); INSERT INTO t VALUES (7)", c);
                await cmd.ExecuteNonQueryAsync();
            }
            NpgsqlConnection.ClearAllPools();

            // The first server is never stopped, as after a crashed `make dev`.
            var second = await PgCluster.StartFreshAsync(root, port);
            await using (var c = new NpgsqlConnection(second.ConnectionString()))
            {
                await c.OpenAsync();
                await using var cmd = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = @name", c);
                cmd.Parameters.AddWithValue("name", new NpgsqlConnectionStringBuilder(db).Database!);
                ((long)(await cmd.ExecuteScalarAsync())!).Should().Be(0);
            }
            await second.StopAsync();
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }
}
