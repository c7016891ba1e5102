using System.Diagnostics;
using Npgsql;

namespace Cmp.Testing.Postgres;

/// <summary>
/// A PostgreSQL server started from the local binaries on loopback. Ephemeral clusters (tests) live in a temp
/// directory that is deleted on dispose; a crashed run's leftovers are stopped and removed by the next start
/// (each directory records its owner's pid). The <c>make dev</c> cluster lives in a fixed place and starts empty.
/// </summary>
public sealed class PgCluster : IAsyncDisposable
{
    const string TempPrefix = "cmp-pg-";
    readonly bool _ephemeral;
    int _stopped;

    PgCluster(string root, string dataDir, int port, bool ephemeral)
    {
        Root = root;
        DataDir = dataDir;
        Port = port;
        _ephemeral = ephemeral;
    }

    /// <summary>Holds the data directory, the socket and the server log.</summary>
    public string Root { get; }
    public string DataDir { get; }
    public int Port { get; }
    public string LogFile => Path.Combine(Root, "server.log");

    public string ConnectionString(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = Port, Username = "postgres", Database = database,
            Pooling = true, MaxPoolSize = 50, Timeout = 15, IncludeErrorDetail = true,
        }.ConnectionString;

    /// <summary>Starts a throwaway cluster on a free port (about a second).</summary>
    public static async Task<PgCluster> StartEphemeralAsync(CancellationToken ct = default)
    {
        await RemoveOrphansAsync();
        var root = Directory.CreateTempSubdirectory(TempPrefix).FullName;
        await File.WriteAllTextAsync(Path.Combine(root, "owner.pid"), Environment.ProcessId.ToString(), ct);
        await PgBinaries.ChownToPostgresAsync(root);
        var data = Path.Combine(root, "data");
        await InitDbAsync(data, root, ct);
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            try
            {
                await StartServerAsync(root, data, port, durable: false, ct);
                return new PgCluster(root, data, port, ephemeral: true);
            }
            catch (InvalidOperationException) when (attempt < 3 && FreePort.IsListening(port))
            {
                // Someone took the port between our probe and the server's bind; try another.
            }
        }
    }

    /// <summary>
    /// Starts an empty cluster in a fixed place on a fixed port (<c>make dev</c>). Data from an earlier run is removed
    /// first (its server stopped if one still runs there): the simulators beside it start empty too, and orders,
    /// tenants or credits left over would describe a Saleor that no longer exists.
    /// </summary>
    public static async Task<PgCluster> StartFreshAsync(string root, int port, CancellationToken ct = default)
    {
        var data = Path.Combine(root, "data");
        if (File.Exists(Path.Combine(data, "PG_VERSION")))
        {
            try { await PgBinaries.RunAsync("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"], root, ct); }
            catch (InvalidOperationException) { }   // not running: nothing to stop
        }
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        Directory.CreateDirectory(root);
        await PgBinaries.ChownToPostgresAsync(root);
        await InitDbAsync(data, root, ct);
        if (FreePort.IsListening(port))
            throw new InvalidOperationException($"Port {port} is taken by another process; set CMP_POSTGRES to use an existing server or free the port.");
        await StartServerAsync(root, data, port, durable: true, ct);
        return new PgCluster(root, data, port, ephemeral: false);
    }

    public async Task<bool> IsRunningAsync()
    {
        try
        {
            await using var c = new NpgsqlConnection(ConnectionString() + ";Timeout=2;Pooling=false");
            await c.OpenAsync();
            return true;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    /// <summary>Creates a fresh database (one per test class) and returns its connection string.</summary>
    public Task<string> CreateDatabaseAsync(string prefix) => CreateDatabaseAsync(ConnectionString(), prefix);

    /// <summary>Creates a uniquely named database on any server.</summary>
    public static async Task<string> CreateDatabaseAsync(string serverConnectionString, string prefix)
    {
        var safe = new string(prefix.ToLowerInvariant().Where(c => char.IsAsciiLetterOrDigit(c) || c == '_').ToArray());
        var name = $"{safe[..Math.Min(safe.Length, 30)]}_{Guid.NewGuid():N}";   // identifiers are at most 63 bytes
        await using var c = new NpgsqlConnection(serverConnectionString);
        await c.OpenAsync();
        await using (var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", c)) await cmd.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name }.ConnectionString;
    }

    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        NpgsqlConnection.ClearAllPools();
        try
        {
            await PgBinaries.RunAsync("pg_ctl", ["-D", DataDir, "-m", _ephemeral ? "immediate" : "fast", "-w", "stop"], Root);
        }
        catch (InvalidOperationException)
        {
            if (await IsRunningAsync()) throw;   // failed to stop a running server: say so
        }
        if (_ephemeral) TryDelete(Root);
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    static Task InitDbAsync(string data, string root, CancellationToken ct) =>
        PgBinaries.RunAsync("initdb",
            ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"], root, ct);

    static Task StartServerAsync(string root, string data, int port, bool durable, CancellationToken ct)
    {
        var options = $"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections=300";
        if (!durable) options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
        return PgBinaries.RunAsync("pg_ctl", ["-D", data, "-l", Path.Combine(root, "server.log"), "-o", options, "-w", "-t", "60", "start"], root, ct);
    }

    /// <summary>Stops and deletes clusters left behind by test runs that were killed.</summary>
    static async Task RemoveOrphansAsync()
    {
        foreach (var dir in Directory.GetDirectories(Path.GetTempPath(), TempPrefix + "*"))
        {
            var ownerFile = Path.Combine(dir, "owner.pid");
            if (!File.Exists(ownerFile) || !int.TryParse(await File.ReadAllTextAsync(ownerFile), out var owner) || IsAlive(owner))
                continue;
            try { await PgBinaries.RunAsync("pg_ctl", ["-D", Path.Combine(dir, "data"), "-m", "immediate", "-w", "stop"], dir); }
            catch (InvalidOperationException) { /* was not running */ }
            TryDelete(dir);
        }
    }

    static bool IsAlive(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    static void TryDelete(string dir)
    {
        try { Directory.Delete(dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
