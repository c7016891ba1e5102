using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cmp.Gateway.Tests.Support;

namespace Cmp.Gateway.Tests.Apis;

/// <summary>An agent that retries a run (after a timeout, say) with the same Idempotency-Key never pays twice.</summary>
public sealed class IdempotencyTests(Platform platform) : IAsyncLifetime
{
    public async ValueTask InitializeAsync() => await platform.ResetSimAsync();
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    static async Task<(HttpResponseMessage Response, JsonElement Body)> RunAsync(HttpClient client, Guid instance, string key, string input = "Hello",
        bool stream = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/runs") { Content = JsonContent.Create(new { instance_id = instance, input, stream }) };
        request.Headers.Add("Idempotency-Key", key);
        var response = await client.SendAsync(request);
        return (response, stream ? default : await Http.ReadAsync(response));
    }

    [Fact]
    public async Task A_repeat_gets_the_first_outcome_and_is_neither_run_nor_charged_again()
    {
        var account = await platform.AccountAsync(credits: 10);
        using var client = platform.Gateway.Client(account.Key);
        var key = $"agent-retry-{Guid.NewGuid():N}";

        var (first, one) = await RunAsync(client, account.InstanceId, key);
        var (second, two) = await RunAsync(client, account.InstanceId, key);

        first.StatusCode.Should().Be(HttpStatusCode.OK, one.ToString());
        second.StatusCode.Should().Be(HttpStatusCode.OK, two.ToString());
        second.Headers.GetValues("Idempotent-Replayed").Should().Equal("true");
        first.Headers.Contains("Idempotent-Replayed").Should().BeFalse();
        two.GetProperty("run_id").GetGuid().Should().Be(one.GetProperty("run_id").GetGuid());
        two.GetProperty("output").GetString().Should().Be(one.GetProperty("output").GetString());
        two.GetProperty("usage").GetProperty("credits_charged").GetInt64().Should().Be(1);
        (await platform.SimRunsAsync()).Should().ContainSingle();
        (await platform.LedgerAsync(account.TenantId)).Select(e => e.Kind).Should().Equal("grant", "reserve", "commit");
        var record = await client.SettledRunAsync(one.GetProperty("run_id").GetGuid());
        record.GetProperty("idempotency_key").GetString().Should().Be(key);
    }

    [Fact]
    public async Task Concurrent_repeats_run_once()
    {
        var account = await platform.AccountAsync(credits: 10);
        using var client = platform.Gateway.Client(account.Key);
        var key = $"burst-{Guid.NewGuid():N}";

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => RunAsync(client, account.InstanceId, key)));

        results.Should().OnlyContain(r => r.Response.StatusCode == HttpStatusCode.OK
                                          || (r.Response.StatusCode == HttpStatusCode.Conflict && r.Body.Code() == "run_in_progress"));
        results.Where(r => r.Response.StatusCode == HttpStatusCode.Conflict).Should().OnlyContain(r => r.Response.Headers.RetryAfter != null);
        results.Count(r => r.Response.StatusCode == HttpStatusCode.OK && !r.Response.Headers.Contains("Idempotent-Replayed")).Should().Be(1);
        (await platform.SimRunsAsync()).Should().ContainSingle();
        (await platform.LedgerAsync(account.TenantId)).Count(e => e.Kind == "reserve").Should().Be(1);
    }

    [Fact]
    public async Task The_same_key_for_a_different_request_is_409()
    {
        var account = await platform.AccountAsync(credits: 10);
        using var client = platform.Gateway.Client(account.Key);
        var key = $"k-{Guid.NewGuid():N}";
        await RunAsync(client, account.InstanceId, key, "first question");

        var (response, problem) = await RunAsync(client, account.InstanceId, key, "another question");

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        problem.Code().Should().Be("idempotency_key_reused");
        (await platform.SimRunsAsync()).Should().ContainSingle();
    }

    [Fact]
    public async Task A_request_refused_before_it_ran_can_be_retried_with_its_key()
    {
        var account = await platform.AccountAsync(credits: 0);
        using var client = platform.Gateway.Client(account.Key);
        var key = $"topup-{Guid.NewGuid():N}";

        var (refused, problem) = await RunAsync(client, account.InstanceId, key);
        await platform.GrantAsync(account.TenantId, 5);
        var (retried, body) = await RunAsync(client, account.InstanceId, key);

        refused.StatusCode.Should().Be(HttpStatusCode.PaymentRequired);
        problem.Code().Should().Be("insufficient_credits");
        retried.StatusCode.Should().Be(HttpStatusCode.OK, body.ToString());
        retried.Headers.Contains("Idempotent-Replayed").Should().BeFalse();
    }

    [Fact]
    public async Task A_run_that_failed_is_answered_with_the_same_failure()
    {
        var account = await platform.AccountAsync(credits: 10);
        await platform.ArmAsync("errors", new { kind = "component", message = "model exploded", count = 1 });
        using var client = platform.Gateway.Client(account.Key);
        var key = $"fail-{Guid.NewGuid():N}";

        var (first, one) = await RunAsync(client, account.InstanceId, key);
        var (second, two) = await RunAsync(client, account.InstanceId, key);

        first.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        second.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        second.Headers.GetValues("Idempotent-Replayed").Should().Equal("true");
        two.Code().Should().Be("flow_failed");
        two.GetProperty("run_id").GetGuid().Should().Be(one.GetProperty("run_id").GetGuid());
        two.GetProperty("credits_charged").GetInt64().Should().Be(0);
        (await platform.SimRunsAsync()).Should().ContainSingle();
    }

    [Fact]
    public async Task A_streamed_run_repeated_gets_its_result_as_a_one_event_stream()
    {
        var account = await platform.AccountAsync(credits: 10);
        using var client = platform.Gateway.Client(account.Key);
        var key = $"stream-{Guid.NewGuid():N}";
        var (first, _) = await RunAsync(client, account.InstanceId, key, stream: true);
        var (events, _) = await Sse.ReadAsync(first);

        var (second, _) = await RunAsync(client, account.InstanceId, key, stream: true);
        var (replayed, _) = await Sse.ReadAsync(second);

        second.Headers.GetValues("Idempotent-Replayed").Should().Equal("true");
        replayed.Select(e => e.Name).Should().Equal("end");
        replayed[0].Data.GetProperty("output").GetString().Should().Be(events.Last().Data.GetProperty("output").GetString());
        (await platform.SimRunsAsync()).Should().ContainSingle();
    }

    [Fact]
    public async Task Keys_belong_to_a_tenant()
    {
        var one = await platform.AccountAsync(credits: 5);
        var two = await platform.AccountAsync(credits: 5);
        var key = $"same-key-{Guid.NewGuid():N}";
        using var c1 = platform.Gateway.Client(one.Key);
        using var c2 = platform.Gateway.Client(two.Key);

        var (r1, _) = await RunAsync(c1, one.InstanceId, key);
        var (r2, _) = await RunAsync(c2, two.InstanceId, key);

        r1.StatusCode.Should().Be(HttpStatusCode.OK);
        r2.StatusCode.Should().Be(HttpStatusCode.OK);
        r2.Headers.Contains("Idempotent-Replayed").Should().BeFalse();
    }

    [Fact]
    public async Task A_malformed_key_is_422()
    {
        var account = await platform.AccountAsync(credits: 5);
        using var client = platform.Gateway.Client(account.Key);

        var (response, problem) = await RunAsync(client, account.InstanceId, "has spaces in it");

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        problem.Code().Should().Be("idempotency_key_invalid");
        (await platform.LedgerAsync(account.TenantId)).Select(e => e.Kind).Should().Equal("grant");
    }
}
