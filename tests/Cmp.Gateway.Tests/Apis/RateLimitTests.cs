using System.Net;
using Cmp.Gateway.Tests.Support;

namespace Cmp.Gateway.Tests.Apis;

/// <summary>Token buckets per credential and per tenant: over the limit is 429 with Retry-After, and nothing is charged.</summary>
public sealed class RateLimitTests(Platform platform) : IAsyncLifetime
{
    public async ValueTask InitializeAsync() => await platform.ResetSimAsync();
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task Over_the_keys_bucket_is_429_with_retry_after_and_not_charged()
    {
        await using var gateway = platform.StartGateway(new()
        {
            ["RateLimits:PerKey:TokenLimit"] = "2", ["RateLimits:PerKey:TokensPerPeriod"] = "1", ["RateLimits:PerKey:ReplenishmentPeriod"] = "00:00:30",
        });
        var account = await platform.AccountAsync(credits: 10);
        var other = await platform.AccountAsync(credits: 10);
        using var client = gateway.Client(account.Key);
        using var otherClient = gateway.Client(other.Key);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 2; i++) statuses.Add((await client.PostJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = "Hi" })).Response.StatusCode);
        var (limited, problem) = await client.PostJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = "Hi" });
        var (unaffected, _) = await otherClient.PostJsonAsync("/v1/runs", new { instance_id = other.InstanceId, input = "Hi" });

        statuses.Should().Equal(HttpStatusCode.OK, HttpStatusCode.OK);
        limited.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        problem.Code().Should().Be("rate_limited");
        problem.GetProperty("limit").GetString().Should().Be("key");
        var retryAfter = limited.Headers.RetryAfter!.Delta!.Value;
        retryAfter.Should().BeGreaterThan(TimeSpan.Zero).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(30));
        problem.GetProperty("retry_after").GetInt64().Should().Be((long)retryAfter.TotalSeconds);
        unaffected.StatusCode.Should().Be(HttpStatusCode.OK, "each key has its own bucket");
        (await platform.LedgerAsync(account.TenantId)).Count(e => e.Kind == "reserve").Should().Be(2);
    }

    [Fact]
    public async Task Keys_of_one_tenant_share_the_tenants_bucket()
    {
        await using var gateway = platform.StartGateway(new()
        {
            ["RateLimits:PerTenant:TokenLimit"] = "3", ["RateLimits:PerTenant:TokensPerPeriod"] = "1", ["RateLimits:PerTenant:ReplenishmentPeriod"] = "00:00:30",
        });
        var account = await platform.AccountAsync(credits: 10);
        var (_, secondKey) = await platform.IssueKeyAsync(account.InstanceId);
        using var first = gateway.Client(account.Key);
        using var second = gateway.Client(secondKey);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 2; i++) statuses.Add((await first.PostJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = "Hi" })).Response.StatusCode);
        statuses.Add((await second.PostJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = "Hi" })).Response.StatusCode);
        var (limited, problem) = await second.PostJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = "Hi" });

        statuses.Should().Equal(HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK);
        limited.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        problem.GetProperty("limit").GetString().Should().Be("tenant");
        limited.Headers.RetryAfter.Should().NotBeNull();
        (await platform.CreditsAsync(account.TenantId)).Should().Be(new Credits(7, 0, 7));
    }

    [Fact]
    public async Task With_limits_off_nothing_is_limited()
    {
        await using var gateway = platform.StartGateway(new()
        {
            ["RateLimits:Enabled"] = "false", ["RateLimits:PerKey:TokenLimit"] = "1", ["RateLimits:PerKey:TokensPerPeriod"] = "1",
            ["RateLimits:PerKey:ReplenishmentPeriod"] = "00:01:00",
        });
        var account = await platform.AccountAsync(credits: 10);
        using var client = gateway.Client(account.Key);

        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => client.PostJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = "Hi" })));

        results.Should().OnlyContain(r => r.Response.StatusCode == HttpStatusCode.OK);
    }
}
