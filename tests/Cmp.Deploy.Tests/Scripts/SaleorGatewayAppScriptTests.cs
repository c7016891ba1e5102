using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Cmp.Testing;
using Cmp.Testing.Simulators;

namespace Cmp.Deploy.Tests.Scripts;

/// <summary>
/// <c>scripts/saleor-gateway-app.sh</c>, which <c>make kind-up</c> runs against the cluster's Saleor, run here against
/// the Saleor simulator: it must print a working app token with exactly HANDLE_PAYMENTS, and fail loudly otherwise.
/// </summary>
public sealed class SaleorGatewayAppScriptTests : IAsyncLifetime
{
    SaleorSimulator _saleor = null!;

    public async ValueTask InitializeAsync() => _saleor = await SaleorSimulator.StartAsync();
    public async ValueTask DisposeAsync() => await _saleor.DisposeAsync();

    static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string apiUrl, string password)
    {
        var psi = new ProcessStartInfo("bash", [Path.Combine(RepoPaths.Root, "scripts", "saleor-gateway-app.sh"), apiUrl, SaleorSimulator.AdminEmail])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        psi.Environment["SALEOR_PASSWORD"] = password;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return (p.ExitCode, (await stdout).Trim(), await stderr);
    }

    [Fact]
    public async Task It_prints_the_token_of_a_new_app_that_may_handle_payments_and_nothing_else()
    {
        var (exit, token, stderr) = await RunAsync(_saleor.ApiUrl.ToString(), SaleorSimulator.AdminPassword);

        exit.Should().Be(0, stderr);
        token.Should().NotBeNullOrWhiteSpace().And.NotContain("\n");
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, _saleor.ApiUrl)
        {
            Content = JsonContent.Create(new { query = "{ app { name permissions { code } } }" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var me = (await (await http.SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetProperty("app");
        me.GetProperty("name").GetString().Should().Be("CMP gateway (agent commerce)");
        me.GetProperty("permissions").EnumerateArray().Select(p => p.GetProperty("code").GetString()).Should().Equal("HANDLE_PAYMENTS");
    }

    [Fact]
    public async Task A_wrong_password_fails_with_saleors_reason_and_prints_no_token()
    {
        var (exit, stdout, stderr) = await RunAsync(_saleor.ApiUrl.ToString(), "not-the-password");

        exit.Should().NotBe(0);
        stdout.Should().BeEmpty();
        stderr.Should().Contain("Saleor refused");
    }
}
