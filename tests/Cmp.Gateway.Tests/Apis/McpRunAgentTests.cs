using Cmp.Gateway.Tests.Support;
using Cmp.Testing;

namespace Cmp.Gateway.Tests.Apis;

/// <summary>
/// The MCP <c>run_agent</c> tool goes through the same metered run service as <c>POST /v1/runs</c>: the buyer's own
/// instance runs and is charged once (a retry with the idempotency key is not charged again), and every refusal is a
/// tool error that says why and what to do, with nothing charged.
/// </summary>
public sealed class McpRunAgentTests(Platform platform) : IAsyncLifetime
{
    TestGateway _gateway = null!;

    public async ValueTask InitializeAsync()
    {
        await platform.ResetSimAsync();
        // /mcp is part of agent commerce, which is on when Saleor is configured. Runs never call Saleor, so an address
        // where nothing listens proves it: the shop's tools would fail here, run_agent must not.
        _gateway = platform.StartGateway(new()
        {
            ["Saleor:ApiUrl"] = "http://127.0.0.1:9/graphql/",
            ["Saleor:AppToken"] = "unused-by-runs",
            ["Acp:Platforms:0:Id"] = "gateway-tests",
            ["Acp:Platforms:0:ApiKey"] = "gateway-tests-acp-key",
            ["Acp:Merchant:Id"] = "cmp-gateway-tests",
            ["Payments:TestPsp:Enabled"] = "true",
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await platform.ResetSimAsync();
    }

    async Task<McpBuyer> BuyerAsync() => await McpBuyer.ConnectAsync(_gateway, await platform.Identity.BuyerTokenAsync());

    [Fact]
    public async Task The_buyer_runs_their_agent_and_is_charged_once_even_when_the_call_is_repeated()
    {
        var tenant = await platform.TenantAsync("buyer@example.com");
        await platform.GrantAsync(tenant, 5);
        var instance = await platform.InstanceAsync(tenant);
        var before = await platform.CreditsAsync(tenant);
        await using var mcp = await BuyerAsync();
        var args = new { instance_id = instance, input = "How do I reset my password?", idempotency_key = Guid.NewGuid().ToString() };

        var (isError, text, run) = await mcp.CallAsync("run_agent", args);
        var (againError, againText, again) = await mcp.CallAsync("run_agent", args);

        isError.Should().BeFalse(text);
        run.GetProperty("output").GetString().Should().NotBeNullOrWhiteSpace();
        run.GetProperty("credits_charged").GetInt64().Should().Be(1);
        run.GetProperty("balance_after").GetInt64().Should().Be(before.Balance - 1);
        run.GetProperty("replayed").GetBoolean().Should().BeFalse();
        againError.Should().BeFalse(againText);
        again.GetProperty("run_id").GetGuid().Should().Be(run.GetProperty("run_id").GetGuid());
        again.GetProperty("replayed").GetBoolean().Should().BeTrue();
        var after = await platform.CreditsAsync(tenant);
        after.Balance.Should().Be(before.Balance - 1);
        after.Reserved.Should().Be(before.Reserved);
        (await platform.SimRunsAsync()).Should().HaveCount(1, "the repeat is answered from the run record, not run again");
    }

    [Fact]
    public async Task Another_tenants_instance_is_refused_as_not_yours_and_charges_nobody()
    {
        var stranger = await platform.AccountAsync(credits: 5);
        await using var mcp = await BuyerAsync();

        var (isError, text, _) = await mcp.CallAsync("run_agent", new { instance_id = stranger.InstanceId, input = "hello" });

        isError.Should().BeTrue();
        text.Should().Contain("is not yours").And.Contain("list_my_agents").And.EndWith("[instance_not_found]");
        (await platform.LedgerAsync(stranger.TenantId)).Select(e => e.Kind).Should().Equal("grant");
        (await platform.SimRunsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task A_suspended_agent_is_refused_as_not_ready_with_its_status()
    {
        var tenant = await platform.TenantAsync("buyer@example.com");
        var instance = await platform.InstanceAsync(tenant);
        await platform.SuspendAsync(instance);
        await using var mcp = await BuyerAsync();

        var (isError, text, _) = await mcp.CallAsync("run_agent", new { instance_id = instance, input = "hello" });

        isError.Should().BeTrue();
        text.Should().Contain("suspended").And.Contain("status: suspended").And.EndWith("[instance_not_ready]");
        (await platform.SimRunsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Too_few_credits_is_refused_with_the_balance_and_the_price_and_nothing_is_run()
    {
        // The other user's tenant gets no grants in these tests; a token-priced agent sets 20 credits aside per run.
        var tenant = await platform.TenantAsync("other@example.com");
        var instance = await platform.InstanceAsync(tenant, Platform.TokenSku);
        var credits = await platform.CreditsAsync(tenant);
        credits.Available.Should().BeLessThan(20, "the precondition of this test");
        await using var mcp = await McpBuyer.ConnectAsync(_gateway, await platform.Identity.OtherTokenAsync());

        var (isError, text, _) = await mcp.CallAsync("run_agent", new { instance_id = instance, input = "hello" });

        isError.Should().BeTrue();
        text.Should().Contain($"sets aside 20 credits, you have {credits.Available} available (balance {credits.Balance})")
            .And.Contain("1 credits per run plus 100 per 1,000 tokens, at most 20 per run")
            .And.Contain("CREDITS-500").And.EndWith("[insufficient_credits]");
        (await platform.CreditsAsync(tenant)).Should().Be(credits);
        (await platform.SimRunsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task A_flow_that_fails_upstream_is_a_tool_error_with_the_runners_code_and_nothing_is_charged()
    {
        var tenant = await platform.TenantAsync("buyer@example.com");
        await platform.GrantAsync(tenant, 2);
        var instance = await platform.InstanceAsync(tenant);
        var before = await platform.CreditsAsync(tenant);
        await platform.ArmAsync("errors", new { kind = "component", message = "Incorrect API key provided", count = 1 });
        await using var mcp = await BuyerAsync();

        var (isError, text, _) = await mcp.CallAsync("run_agent", new { instance_id = instance, input = "hello" });

        isError.Should().BeTrue();
        text.Should().Contain("failed upstream").And.Contain("Incorrect API key provided").And.Contain("Nothing was charged")
            .And.Contain("run_id").And.EndWith("[flow_failed]");
        await Poller.UntilAsync(async () => (await platform.CreditsAsync(tenant)).Reserved == before.Reserved, "the reservation to be released");
        (await platform.CreditsAsync(tenant)).Balance.Should().Be(before.Balance);
    }
}
