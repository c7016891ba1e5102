using System.Diagnostics;
using Cmp.AgentCommerce.Tests.Harness;
using Cmp.Testing;
using Cmp.Testing.Platform;

namespace Cmp.AgentCommerce.Tests.Mcp;

/// <summary>
/// The official MCP TypeScript SDK client (tests/mcp-client/test/purchase.test.mjs) against the whole platform: the
/// gateway in front of the Saleor simulator with the demo catalog, the provisioner, control plane, runner, Langflow
/// simulator and identity server (the shared <see cref="PlatformStack"/>). A purchase of CSA-PRO and a credit pack
/// through MCP must end as a Ready agent instance of the buyer's tenant with its credits, which run_agent then runs
/// through the gateway's metered run service, charging exactly once.
/// </summary>
public sealed class McpTypeScriptClientTests(CommerceWorld world)
{
    [Fact]
    public async Task The_official_typescript_client_buys_CSA_PRO_end_to_end_and_runs_the_agent_it_provisioned()
    {
        await using var stack = await PlatformStack.StartAsync(world.Postgres);
        var (_, gatewayToken) = await stack.Saleor.CreateAppAsync("cmp-gateway", "cmp-gateway", ["HANDLE_PAYMENTS"]);
        var database = await world.Postgres.CreateDatabaseAsync("gw_e2e");
        var settings = world.GatewaySettings(database, stack.Saleor, gatewayToken);
        foreach (var (k, v) in stack.Identity.AuthSettings()) settings[k] = v;
        foreach (var (k, v) in stack.Identity.ServiceAuthSettings("cmp-gateway")) settings[k] = v;
        settings["Http:control-plane:BaseAddress"] = stack.ControlPlane.Url.ToString();
        settings["Http:runner:BaseAddress"] = stack.Runner.Url.ToString();
        await using var gateway = GatewayHost.Start(settings, database, world);

        var dir = Path.Combine(RepoPaths.Root, "tests", "mcp-client");
        var psi = new ProcessStartInfo("node", ["--test", "--test-reporter=tap", "test/"])
        {
            WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.Environment["CMP_GATEWAY_URL"] = gateway.Url.ToString();
        psi.Environment["CMP_TOKEN_URL"] = stack.Identity.Server.TokenUrl;
        using var node = Process.Start(psi)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(3), TestContext.Current.CancellationToken);
        var tap = await stdout;
        var report = $"{tap}\n{await stderr}";
        TestContext.Current.TestOutputHelper?.WriteLine(report);

        node.ExitCode.Should().Be(0, report);
        tap.Should().Contain("# fail 0", report);
        foreach (var step in new[] { "lists every tool", "finds CSA-PRO", "gets the order", "provisions a Ready CSA-PRO agent",
                     "charges its credits exactly once", "refuses an instance that is not the buyer" })
            tap.Should().MatchRegex($"(?m)^\\s*ok \\d+ - [^\\n]*{System.Text.RegularExpressions.Regex.Escape(step)}", "step '{0}' passed:\n{1}", step, report);
    }
}
