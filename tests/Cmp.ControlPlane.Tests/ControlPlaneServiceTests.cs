using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cmp.Testing.Postgres;

namespace Cmp.ControlPlane.Tests;

/// <summary>The control plane as a running service: real Kestrel, real PostgreSQL, real tokens.</summary>
public sealed class ControlPlaneServiceTests(PostgresFixture pg) : IAsyncLifetime
{
    ControlPlaneHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await ControlPlaneHost.StartAsync(pg);

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task It_migrates_on_startup_and_reports_ready()
    {
        using var client = _host.Service.CreateHttpClient();

        var ready = await client.GetAsync("/readyz");

        ready.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await ready.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("checks").EnumerateArray().Should().Contain(c => c.GetProperty("name").GetString() == "database");
    }

    [Fact]
    public async Task It_serves_its_openapi_document_with_every_api()
    {
        using var client = _host.Service.CreateHttpClient();

        var doc = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var paths = doc.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        paths.Should().Contain(["/v1/offerings", "/v1/tenants", "/v1/tenants/{id}/credits", "/v1/instances/{id}/keys", "/v1/reservations/{id}/commit", "/v1/keys/verify"]);
    }

    [Fact]
    public async Task Its_api_needs_a_token()
    {
        using var anonymous = _host.Service.CreateHttpClient();
        using var admin = await _host.AdminAsync();

        (await anonymous.GetAsync("/v1/offerings")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await admin.GetAsync("/v1/offerings")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_migrate_command_applies_migrations_and_exits()
    {
        var target = await pg.CreateDatabaseAsync("cp_migrate_cmd");
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:ControlPlane"] = target,
            ["Auth:Authority"] = _host.Identity.Server.Issuer,
            ["Http:runner:BaseAddress"] = "http://127.0.0.1:9",
        };
        foreach (var (k, v) in _host.Identity.ServiceAuthSettings("cmp-control-plane")) settings[k] = v;

        var (exitCode, output) = await Cmp.Testing.Hosting.ServiceProcess.RunCommandAsync(
            typeof(Cmp.ControlPlane.Program).Assembly.Location, ["migrate"], settings);

        exitCode.Should().Be(0, output);
        output.Should().Contain("Database is at migration");
        await using var c = new Npgsql.NpgsqlConnection(target);
        await c.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("SELECT count(*) FROM \"__EFMigrationsHistory\"", c);
        // Every migration the service ships (counted, so adding one does not break this test).
        var shipped = typeof(Cmp.ControlPlane.Program).Assembly.GetTypes()
            .Count(t => System.Reflection.CustomAttributeExtensions.GetCustomAttribute<Microsoft.EntityFrameworkCore.Migrations.MigrationAttribute>(t) is not null);
        shipped.Should().BeGreaterThanOrEqualTo(3);
        ((long)(await cmd.ExecuteScalarAsync())!).Should().Be(shipped);
    }

    [Fact]
    public async Task A_missing_connection_string_stops_startup_with_a_clear_message()
    {
        var settings = _host.Identity.AuthSettings();
        var factory = new Cmp.Testing.Hosting.ServiceFactory<Cmp.ControlPlane.Program>(settings);

        var act = () => factory.Start();

        act.Should().Throw<InvalidOperationException>().WithMessage("*ConnectionStrings:ControlPlane*");
        await factory.DisposeAsync();
    }
}
