using Npgsql;
using Xunit;

namespace Cmp.Testing.Postgres;

/// <summary>
/// One PostgreSQL server per test assembly run (register with <c>[assembly: AssemblyFixture(typeof(PostgresFixture))]</c>),
/// stopped when the run ends, pass or fail. <c>CMP_TEST_POSTGRES=&lt;connection string&gt;</c> uses an existing
/// server instead. Each test class asks for its own fresh database.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    PgCluster? _cluster;
    string _server = "";

    public string ServerConnectionString => _server;

    public async ValueTask InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("CMP_TEST_POSTGRES") is { Length: > 0 } existing)
        {
            _server = existing;
            return;
        }
        _cluster = await PgCluster.StartEphemeralAsync();
        _server = _cluster.ConnectionString();
    }

    /// <summary>A new, empty database; its name starts with <paramref name="prefix"/>.</summary>
    public Task<string> CreateDatabaseAsync(string prefix) => PgCluster.CreateDatabaseAsync(_server, prefix);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_cluster is not null) await _cluster.DisposeAsync();
    }
}
