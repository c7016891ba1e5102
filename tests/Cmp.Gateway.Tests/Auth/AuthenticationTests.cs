using System.Net;
using Cmp.Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Cmp.Gateway.Tests.Auth;

/// <summary>Who may run what: instance API keys, Keycloak tokens of tenants and admins, and everything else refused.</summary>
public sealed class AuthenticationTests(Platform platform) : IAsyncLifetime
{
    public async ValueTask InitializeAsync() => await platform.ResetSimAsync();
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    static object Run(Guid instance) => new { instance_id = instance, input = "Hello" };

    [Fact]
    public async Task No_credentials_is_401_with_a_problem_and_a_challenge()
    {
        using var client = platform.Gateway.Client();

        var (response, problem) = await client.PostJsonAsync("/v1/runs", Run(Guid.NewGuid()));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().Should().StartWith("Bearer");
        problem.Code().Should().Be("unauthenticated");
    }

    [Theory]
    [InlineData("cmp_abcdefgh_0000000000000000000000000000000000000000000", "invalid_api_key")]   // well-formed, unknown
    [InlineData("cmp_short", "invalid_api_key")]                                                 // malformed
    [InlineData("not-a-token-at-all", "invalid_token")]                                          // neither a key nor a JWT
    public async Task Bad_credentials_are_401_and_say_why(string bearer, string code)
    {
        var account = await platform.AccountAsync(credits: 3);
        using var client = platform.Gateway.Client(bearer);

        var (response, problem) = await client.PostJsonAsync("/v1/runs", Run(account.InstanceId));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, problem.ToString());
        problem.Code().Should().Be(code);
        problem.GetProperty("detail").GetString().Should().NotContain(bearer);
        (await platform.LedgerAsync(account.TenantId)).Select(e => e.Kind).Should().Equal("grant");
    }

    [Fact]
    public async Task A_revoked_key_stops_working_once_the_cache_ttl_has_passed_and_not_later()
    {
        var clock = new ManualClock();
        await using var gateway = platform.StartGateway(new() { ["ApiKeys:CacheTtl"] = "00:00:05", ["Runs:SettlementWorkerEnabled"] = "false" },
            s => s.AddSingleton<TimeProvider>(clock));
        var account = await platform.AccountAsync(credits: 10);
        using var client = gateway.Client(account.Key);
        (await client.PostJsonAsync("/v1/runs", Run(account.InstanceId))).Response.StatusCode.Should().Be(HttpStatusCode.OK);

        await platform.RevokeKeyAsync(account.KeyId);
        clock.Advance(TimeSpan.FromSeconds(4.9));
        var withinBound = (await client.PostJsonAsync("/v1/runs", Run(account.InstanceId))).Response.StatusCode;
        clock.Advance(TimeSpan.FromSeconds(0.1));
        var (afterBound, problem) = await client.PostJsonAsync("/v1/runs", Run(account.InstanceId));

        withinBound.Should().Be(HttpStatusCode.OK, "the answer about the key may be reused for up to ApiKeys:CacheTtl");
        afterBound.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        problem.Code().Should().Be("invalid_api_key");
        (await platform.LedgerAsync(account.TenantId)).Count(e => e.Kind == "commit").Should().Be(2, "the refused run was not charged");
    }

    [Fact]
    public async Task A_key_is_checked_with_the_control_plane_once_per_ttl_however_many_requests_use_it()
    {
        var clock = new ManualClock();
        await using var gateway = platform.StartGateway(new() { ["Runs:SettlementWorkerEnabled"] = "false" }, s => s.AddSingleton<TimeProvider>(clock));
        var account = await platform.AccountAsync(credits: 20);
        using var client = gateway.Client(account.Key);

        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => client.PostJsonAsync("/v1/runs", Run(account.InstanceId))));
        clock.Advance(TimeSpan.FromSeconds(6));
        await client.PostJsonAsync("/v1/runs", Run(account.InstanceId));

        gateway.ControlPlaneCalls.Count("/v1/keys/verify").Should().Be(2);
    }

    [Fact]
    public async Task A_key_cannot_run_another_instance_not_even_of_its_own_tenant()
    {
        var account = await platform.AccountAsync(credits: 5);
        var sibling = await platform.InstanceAsync(account.TenantId);
        var stranger = await platform.AccountAsync(credits: 5);
        using var client = platform.Gateway.Client(account.Key);

        var (toSibling, p1) = await client.PostJsonAsync("/v1/runs", Run(sibling));
        var (toStranger, p2) = await client.PostJsonAsync("/v1/runs", Run(stranger.InstanceId));

        toSibling.StatusCode.Should().Be(HttpStatusCode.NotFound);
        p1.Code().Should().Be("instance_not_found");
        toStranger.StatusCode.Should().Be(HttpStatusCode.NotFound);
        p2.Code().Should().Be("instance_not_found");
        (await platform.LedgerAsync(account.TenantId)).Select(e => e.Kind).Should().Equal("grant");
        (await platform.LedgerAsync(stranger.TenantId)).Select(e => e.Kind).Should().Equal("grant");
        (await platform.SimRunsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task A_tenant_user_runs_their_own_instance_and_gets_404_for_anyone_elses()
    {
        var buyerTenant = await platform.TenantAsync("buyer@example.com");
        await platform.GrantAsync(buyerTenant, 5);
        var buyerInstance = await platform.InstanceAsync(buyerTenant);
        var stranger = await platform.AccountAsync(credits: 5);
        var before = await platform.CreditsAsync(buyerTenant);
        using var buyer = platform.Gateway.Client(await platform.Identity.BuyerTokenAsync());
        using var other = platform.Gateway.Client(await platform.Identity.OtherTokenAsync());

        var (own, body) = await buyer.PostJsonAsync("/v1/runs", Run(buyerInstance));
        var (strangers, p1) = await buyer.PostJsonAsync("/v1/runs", Run(stranger.InstanceId));
        var (buyers, p2) = await other.PostJsonAsync("/v1/runs", Run(buyerInstance));

        own.StatusCode.Should().Be(HttpStatusCode.OK, body.ToString());
        body.GetProperty("usage").GetProperty("credits_charged").GetInt64().Should().Be(1);
        (await platform.CreditsAsync(buyerTenant)).Balance.Should().Be(before.Balance - 1);
        strangers.StatusCode.Should().Be(HttpStatusCode.NotFound);
        p1.Code().Should().Be("instance_not_found");
        buyers.StatusCode.Should().Be(HttpStatusCode.NotFound);
        p2.Code().Should().Be("instance_not_found");
        (await platform.LedgerAsync(stranger.TenantId)).Select(e => e.Kind).Should().Equal("grant");
        var (_, mine) = await buyer.GetJsonAsync($"/v1/runs?instance_id={buyerInstance}");
        mine.GetProperty("items").EnumerateArray().Should().Contain(r => r.GetProperty("caller_kind").GetString() == "user");
    }

    [Fact]
    public async Task A_platform_admin_may_run_any_instance_and_the_instances_tenant_pays()
    {
        var account = await platform.AccountAsync(credits: 5);
        using var admin = platform.Gateway.Client(await platform.ClientTokenAsync("cmp-cli"));

        var (response, body) = await admin.PostJsonAsync("/v1/runs", Run(account.InstanceId));

        response.StatusCode.Should().Be(HttpStatusCode.OK, body.ToString());
        (await platform.CreditsAsync(account.TenantId)).Should().Be(new Credits(4, 0, 4));
        (await admin.GetJsonAsync($"/v1/runs/{body.GetProperty("run_id").GetGuid()}")).Response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_service_token_may_not_run_agents()
    {
        var account = await platform.AccountAsync(credits: 5);
        using var service = platform.Gateway.Client(await platform.ClientTokenAsync("cmp-provisioner"));

        var (response, problem) = await service.PostJsonAsync("/v1/runs", Run(account.InstanceId));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        problem.Code().Should().Be("forbidden");
    }

    [Fact]
    public async Task A_suspended_instance_is_409_and_nothing_is_charged()
    {
        var account = await platform.AccountAsync(credits: 5);
        await platform.SuspendAsync(account.InstanceId);
        using var client = platform.Gateway.Client(account.Key);

        var (response, problem) = await client.PostJsonAsync("/v1/runs", Run(account.InstanceId));

        response.StatusCode.Should().Be(HttpStatusCode.Conflict, problem.ToString());
        problem.Code().Should().Be("instance_not_ready");
        problem.GetProperty("status").GetString().Should().Be("suspended");
        (await platform.LedgerAsync(account.TenantId)).Select(e => e.Kind).Should().Equal("grant");
        (await platform.SimRunsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task An_instance_still_provisioning_is_409()
    {
        var tenant = await platform.TenantAsync($"t{Guid.NewGuid():N}@example.com");
        await platform.GrantAsync(tenant, 5);
        await platform.ArmAsync("latency", new { ms = 2500, count = 1, scope = "all" });   // the flow import is slow
        var instance = await platform.InstanceAsync(tenant, waitReady: false);
        var (_, key) = await platform.IssueKeyAsync(instance);
        using var client = platform.Gateway.Client(key);

        var (response, problem) = await client.PostJsonAsync("/v1/runs", Run(instance));

        response.StatusCode.Should().Be(HttpStatusCode.Conflict, problem.ToString());
        problem.Code().Should().Be("instance_not_ready");
        problem.GetProperty("status").GetString().Should().Be("provisioning");
        (await platform.LedgerAsync(tenant)).Select(e => e.Kind).Should().Equal("grant");
    }

    [Fact]
    public async Task A_control_plane_that_cannot_check_a_key_is_503_not_401()
    {
        await using var gateway = platform.StartGateway(new() { ["Http:control-plane:MaxRetries"] = "0" });
        gateway.ControlPlaneCalls.FailWhen(r => r.RequestUri!.AbsolutePath.EndsWith("/keys/verify", StringComparison.Ordinal));
        var account = await platform.AccountAsync(credits: 5);
        using var client = gateway.Client(account.Key);

        var (response, problem) = await client.PostJsonAsync("/v1/runs", Run(account.InstanceId));

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, problem.ToString());
        problem.Code().Should().Be("credentials_unverifiable");
        response.Headers.RetryAfter.Should().NotBeNull();
        gateway.ControlPlaneCalls.Heal();
        (await client.PostJsonAsync("/v1/runs", Run(account.InstanceId))).Response.StatusCode.Should().Be(HttpStatusCode.OK, "a failed check is never cached");
    }
}
