using System.Diagnostics;
using Cmp.Runner.Tests.Support;
using Cmp.Testing;

namespace Cmp.Runner.Tests.Apis;

/// <summary>
/// A runner that is not configured to reach Langflow refuses to start and says which setting is wrong. Run as a real
/// process, as Kubernetes would: the exit code and the message in its output are what an operator sees.
/// </summary>
public sealed class ConfigurationTests(RunnerHarness h) : IClassFixture<RunnerHarness>
{
    [Theory]
    [InlineData("Langflow:ApiKey", "", "Langflow:ApiKey is required")]
    [InlineData("Http:langflow:BaseAddress", null, "Http:langflow:BaseAddress is required")]
    [InlineData("Runner:MaxInputLength", "0", "MaxInputLength")]
    [InlineData("Langflow:StreamIdleTimeout", "00:00:00", "StreamIdleTimeout")]
    public async Task A_missing_or_invalid_setting_stops_the_runner_at_startup(string key, string? value, string message)
    {
        var settings = h.RunnerSettings();
        settings[key] = value;
        var psi = new ProcessStartInfo("dotnet", [typeof(Program).Assembly.Location]) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        psi.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        foreach (var (k, v) in settings.Where(s => s.Value is not null)) psi.Environment[k.Replace(":", "__", StringComparison.Ordinal)] = v;

        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }

        process.ExitCode.Should().NotBe(0);
        (await output + await errors).Should().Contain(message);
    }

    [Fact]
    public void The_api_key_is_not_in_appsettings_json()
    {
        var appsettings = File.ReadAllText(Path.Combine(RepoPaths.Root, "services", "runner", "appsettings.json"));

        appsettings.Should().NotContain("ApiKey", "the Langflow key is a secret: it comes from the environment (a Kubernetes Secret)");
    }
}
