using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cmp.Testing.Hosting;
using Cmp.Testing.Postgres;

namespace Cmp.ControlPlane.Tests;

/// <summary>The control plane as a running service: real Kestrel, real PostgreSQL, real tokens.</summary>
public sealed class ControlPlaneServiceTests(PostgresFixture pg) : IAsyncLifetime
{
    readonly IdentityFixture _identity = new();
    ServiceFactory<Cmp.ControlPlane.Program> _service = null!;
    string _db = "";

    public async ValueTask InitializeAsync()
    {
        await _identity.InitializeAsync();
        _db = await pg.CreateDatabaseAsync("cp_service");
        var settings = _identity.AuthSettings();
        settings["ConnectionStrings:ControlPlane"] = _db;
        _service = new ServiceFactory<Cmp.ControlPlane.Program>(settings);
        _service.Start();
    }

    public async ValueTask DisposeAsync()
    {
        await _service.DisposeAsync();
        await _identity.DisposeAsync();
    }

    [Fact]
    public async Task It_migrates_on_startup_and_reports_ready()
    {
        using var client = _service.CreateHttpClient();

        var ready = await client.GetAsync("/readyz");

        ready.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await ready.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("checks").EnumerateArray().Should().Contain(c => c.GetProperty("name").GetString() == "database");
    }

    [Fact]
    public async Task It_serves_its_openapi_document()
    {
        using var client = _service.CreateHttpClient();

        var doc = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        doc.GetProperty("paths").TryGetProperty("/v1/offerings", out _).Should().BeTrue();
    }

    [Fact]
    public async Task Its_api_needs_a_token()
    {
        using var anonymous = _service.CreateHttpClient();
        using var admin = _service.CreateHttpClient(await _identity.AdminTokenAsync());

        (await anonymous.GetAsync("/v1/offerings")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await admin.GetAsync("/v1/offerings")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_migrate_command_applies_migrations_and_exits()
    {
        var target = await pg.CreateDatabaseAsync("cp_migrate_cmd");
        var dll = typeof(Cmp.ControlPlane.Program).Assembly.Location;
        var psi = new ProcessStartInfo("dotnet", [dll, "migrate"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["ConnectionStrings__ControlPlane"] = target;
        psi.Environment["Auth__Authority"] = _identity.Server.Issuer;
        psi.Environment["DOTNET_ENVIRONMENT"] = "Testing";

        using var process = Process.Start(psi)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        process.ExitCode.Should().Be(0, output);
        output.Should().Contain("Database is at migration");
        await using var c = new Npgsql.NpgsqlConnection(target);
        await c.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("SELECT count(*) FROM \"__EFMigrationsHistory\"", c);
        ((long)(await cmd.ExecuteScalarAsync())!).Should().BeGreaterThan(0);
    }
}
