using System.Net;
using System.Net.Http.Json;
using Cmp.Gateway.Tests.Support;

namespace Cmp.Gateway.Tests.Apis;

/// <summary>Credits can never be overspent, however many runs race for them.</summary>
public sealed class ConcurrencyTests(Platform platform) : IAsyncLifetime
{
    public async ValueTask InitializeAsync() => await platform.ResetSimAsync();
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task Of_100_concurrent_runs_with_credits_for_30_exactly_30_succeed_and_the_balance_ends_at_zero()
    {
        var account = await platform.AccountAsync(credits: 30);
        using var client = platform.Gateway.Client(account.Key);

        var results = await client.RunAllAtOnceAsync(account.InstanceId, 100);

        results.Count(r => r.StatusCode == HttpStatusCode.OK).Should().Be(30);
        results.Where(r => r.StatusCode != HttpStatusCode.OK).Should().HaveCount(70)
            .And.OnlyContain(r => r.StatusCode == HttpStatusCode.PaymentRequired && r.Body.Code() == "insufficient_credits");
        results.Where(r => r.StatusCode == HttpStatusCode.OK).Select(r => r.Body.GetProperty("usage").GetProperty("balance_after").GetInt64())
            .Should().OnlyHaveUniqueItems().And.OnlyContain(b => b >= 0 && b < 30);
        (await platform.CreditsAsync(account.TenantId)).Should().Be(new Credits(0, 0, 0));
        var ledger = await platform.LedgerAsync(account.TenantId);
        ledger.Count(e => e.Kind == "reserve").Should().Be(30);
        ledger.Count(e => e.Kind == "commit").Should().Be(30);
        ledger.Should().OnlyContain(e => e.BalanceAfter >= 0);
        (await platform.SimRunsAsync()).Should().HaveCount(30, "a run that could not pay never reaches Langflow");
    }

    [Fact]
    public async Task A_402_says_the_balance_and_the_price()
    {
        var account = await platform.AccountAsync(Platform.TokenSku, credits: 5);
        using var client = platform.Gateway.Client(account.Key);

        var (response, problem) = await client.PostJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = "Hi" });

        response.StatusCode.Should().Be(HttpStatusCode.PaymentRequired);
        problem.Code().Should().Be("insufficient_credits");
        problem.GetProperty("balance").GetInt64().Should().Be(5);
        problem.GetProperty("available").GetInt64().Should().Be(5);
        problem.GetProperty("required").GetInt64().Should().Be(20);
        var price = problem.GetProperty("price");
        price.GetProperty("credits_per_run").GetInt64().Should().Be(1);
        price.GetProperty("credits_per_1k_tokens").GetInt64().Should().Be(100);
        price.GetProperty("max_credits_per_run").GetInt64().Should().Be(20);
        price.GetProperty("reserve").GetInt64().Should().Be(20);
        (await platform.SimRunsAsync()).Should().BeEmpty();
        (await platform.LedgerAsync(account.TenantId)).Select(e => e.Kind).Should().Equal("grant");
    }
}
