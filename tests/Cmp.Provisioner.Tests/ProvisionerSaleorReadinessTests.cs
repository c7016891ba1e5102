using System.Net.Http.Json;
using System.Text.Json;
using Cmp.Provisioner.Features.InstallSaleorApp;
using Cmp.Testing;
using Cmp.Testing.Hosting;
using Cmp.Testing.Postgres;
using Cmp.Testing.Simulators;

namespace Cmp.Provisioner.Tests;

/// <summary>The provisioner as a service, configured with the token the installer produced.</summary>
public sealed class ProvisionerSaleorReadinessTests(PostgresFixture pg) : IAsyncLifetime
{
    readonly IdentityFixture _identity = new();
    SaleorSimulator _sim = null!;
    string _token = "";

    public async ValueTask InitializeAsync()
    {
        await _identity.InitializeAsync();
        _sim = await SaleorSimulator.StartAsync();
        var file = Path.Combine(Path.GetTempPath(), $"cmp-token-{Guid.NewGuid():N}");
        var exit = await SaleorInstallCommand.RunAsync(
            ["saleor", "install", "--api-url", _sim.ApiUrl.ToString(), "--email", SaleorSimulator.AdminEmail, "--password", SaleorSimulator.AdminPassword, "--token-file", file],
            TextWriter.Null, TextWriter.Null, _ => null, CancellationToken.None);
        exit.Should().Be(0);
        _token = File.ReadAllText(file).Trim();
        File.Delete(file);
    }

    public async ValueTask DisposeAsync()
    {
        await _sim.DisposeAsync();
        await _identity.DisposeAsync();
    }

    async Task<JsonElement> SaleorCheckAsync(string token)
    {
        var settings = _identity.AuthSettings();
        foreach (var (k, v) in _identity.ServiceAuthSettings("cmp-provisioner")) settings[k] = v;
        settings["Http:control-plane:BaseAddress"] = $"http://127.0.0.1:{FreePort.Next()}";
        settings["Saleor:ApiUrl"] = _sim.ApiUrl.ToString();
        settings["Saleor:AppToken"] = token;
        settings["ConnectionStrings:Provisioner"] = await pg.CreateDatabaseAsync("prov_ready");
        await using var service = new ServiceFactory<Cmp.Provisioner.Program>(settings);
        service.Start();
        using var client = service.CreateHttpClient();
        // The control plane is not running here either: both are reported, neither takes the receiver out of service.
        using var response = await client.GetAsync("/readyz");
        var ready = await response.Content.ReadFromJsonAsync<JsonElement>();
        response.IsSuccessStatusCode.Should().BeTrue($"only the provisioner's own database makes it unready: {ready}");
        return ready.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "saleor");
    }

    [Fact]
    public async Task Readiness_shows_the_installed_token_works()
    {
        var check = await SaleorCheckAsync(_token);

        check.GetProperty("status").GetString().Should().Be("Healthy", check.ToString());
    }

    [Fact]
    public async Task A_wrong_token_is_reported_as_degraded_without_taking_the_receiver_out_of_service()
    {
        var check = await SaleorCheckAsync("x".PadRight(30, 'x'));

        check.GetProperty("status").GetString().Should().Be("Degraded");
        check.GetProperty("description").GetString().Should().Contain("does not accept Saleor:AppToken");
    }
}
