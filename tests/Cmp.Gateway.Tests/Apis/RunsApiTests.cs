using System.Net;
using System.Text.Json;
using Cmp.Gateway.Tests.Support;
using Cmp.Hosting.Http;

namespace Cmp.Gateway.Tests.Apis;

/// <summary>The happy path of <c>POST /v1/runs</c> (sync), end to end: gateway → control plane → runner → Langflow simulator.</summary>
public sealed class RunsApiTests(Platform platform) : IAsyncLifetime
{
    public async ValueTask InitializeAsync() => await platform.ResetSimAsync();
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task A_run_answers_the_flows_reply_and_charges_its_price_exactly_once()
    {
        var account = await platform.AccountAsync(credits: 10);
        using var client = platform.Gateway.Client(account.Key);

        var (response, body) = await client.PostJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = "Where is my order?" });

        response.StatusCode.Should().Be(HttpStatusCode.OK, body.ToString());
        body.GetProperty("output").GetString().Should().Contain("Where is my order?");
        var runId = body.GetProperty("run_id").GetGuid();
        response.Headers.GetValues("X-Run-Id").Should().Equal(runId.ToString());
        body.GetProperty("instance_id").GetGuid().Should().Be(account.InstanceId);
        body.GetProperty("session_id").GetString().Should().NotBeNullOrEmpty();
        var usage = body.GetProperty("usage");
        usage.GetProperty("credits_charged").GetInt64().Should().Be(1);
        usage.GetProperty("balance_after").GetInt64().Should().Be(9);
        usage.GetProperty("input_tokens").GetInt64().Should().BePositive();
        usage.GetProperty("output_tokens").GetInt64().Should().BePositive();
        body.GetProperty("latency_ms").GetInt64().Should().BeGreaterThanOrEqualTo(0);

        (await platform.CreditsAsync(account.TenantId)).Should().Be(new Credits(9, 0, 9));
        var ledger = await platform.LedgerAsync(account.TenantId);
        ledger.Select(e => (e.Kind, e.Amount)).Should().Equal(("grant", 10), ("reserve", 1), ("commit", 1));
        ledger[1].ReservationId.Should().Be(ledger[2].ReservationId!.Value);
        (await platform.SimRunsAsync()).Should().ContainSingle();
    }

    [Fact]
    public async Task A_token_priced_run_is_charged_by_the_control_planes_rule_and_the_rest_of_its_reservation_is_freed()
    {
        var account = await platform.AccountAsync(Platform.TokenSku, credits: 100);
        using var client = platform.Gateway.Client(account.Key);

        var (response, body) = await client.PostJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = "Tell me about your return policy please" });

        response.StatusCode.Should().Be(HttpStatusCode.OK, body.ToString());
        var usage = body.GetProperty("usage");
        var tokens = usage.GetProperty("input_tokens").GetInt64() + usage.GetProperty("output_tokens").GetInt64();
        var expected = Math.Min(1 + (tokens * 100 + 999) / 1000, 20);
        usage.GetProperty("credits_charged").GetInt64().Should().Be(expected);
        usage.GetProperty("balance_after").GetInt64().Should().Be(100 - expected);
        (await platform.CreditsAsync(account.TenantId)).Should().Be(new Credits(100 - expected, 0, 100 - expected));
        var ledger = await platform.LedgerAsync(account.TenantId);
        ledger.Select(e => (e.Kind, e.Amount)).Should().Equal(("grant", 100), ("reserve", 20), ("commit", expected));
    }

    [Fact]
    public async Task The_session_id_continues_a_conversation()
    {
        var account = await platform.AccountAsync();
        using var client = platform.Gateway.Client(account.Key);

        var (_, first) = await client.PostJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = "Hello", session_id = $"conv-{Guid.NewGuid():N}" });
        var session = first.GetProperty("session_id").GetString();
        var (_, second) = await client.PostJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = "Again", session_id = session });

        first.GetProperty("output").GetString().Should().Contain("(turn 1)");
        second.GetProperty("output").GetString().Should().Contain("(turn 2)");
        second.GetProperty("session_id").GetString().Should().Be(session);
    }

    [Fact]
    public async Task The_run_record_shows_status_credits_tokens_latency_and_timestamps()
    {
        var account = await platform.AccountAsync();
        using var client = platform.Gateway.Client(account.Key);
        var (_, run) = await client.PostJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = "Hi" });
        var id = run.GetProperty("run_id").GetGuid();

        var record = await client.SettledRunAsync(id);

        record.GetProperty("id").GetGuid().Should().Be(id);
        record.GetProperty("status").GetString().Should().Be("succeeded");
        record.GetProperty("instance_id").GetGuid().Should().Be(account.InstanceId);
        record.GetProperty("tenant_id").GetGuid().Should().Be(account.TenantId);
        record.GetProperty("credits_reserved").GetInt64().Should().Be(1);
        record.GetProperty("credits_charged").GetInt64().Should().Be(1);
        record.GetProperty("settlement").GetString().Should().Be("committed");
        record.GetProperty("input_tokens").GetInt64().Should().Be(run.GetProperty("usage").GetProperty("input_tokens").GetInt64());
        record.GetProperty("latency_ms").GetInt64().Should().Be(run.GetProperty("latency_ms").GetInt64());
        record.GetProperty("caller_kind").GetString().Should().Be("api_key");
        record.GetProperty("created_at").GetDateTimeOffset().Should().BeBefore(record.GetProperty("completed_at").GetDateTimeOffset().AddMilliseconds(1));
        record.GetProperty("settled_at").ValueKind.Should().Be(JsonValueKind.String);
    }

    [Fact]
    public async Task Listing_pages_through_the_instances_runs_newest_first()
    {
        var account = await platform.AccountAsync();
        using var client = platform.Gateway.Client(account.Key);
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
            ids.Add((await client.PostJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = $"run {i}" })).Body.GetProperty("run_id").GetGuid());

        var (_, first) = await client.GetJsonAsync($"/v1/runs?instance_id={account.InstanceId}&limit=2");
        var cursor = first.GetProperty("next_cursor").GetGuid();
        var (_, second) = await client.GetJsonAsync($"/v1/runs?instance_id={account.InstanceId}&limit=2&before={cursor}");

        first.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("id").GetGuid()).Should().Equal(ids[2], ids[1]);
        second.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("id").GetGuid()).Should().Equal(ids[0]);
        second.TryGetProperty("next_cursor", out _).Should().BeFalse();
    }

    [Fact]
    public async Task A_key_sees_only_its_own_instances_runs()
    {
        var mine = await platform.AccountAsync();
        var other = await platform.AccountAsync();
        using var otherClient = platform.Gateway.Client(other.Key);
        var (_, run) = await otherClient.PostJsonAsync("/v1/runs", new { instance_id = other.InstanceId, input = "secret" });
        using var client = platform.Gateway.Client(mine.Key);

        var (get, problem) = await client.GetJsonAsync($"/v1/runs/{run.GetProperty("run_id").GetGuid()}");
        var (_, list) = await client.GetJsonAsync($"/v1/runs?instance_id={other.InstanceId}");

        get.StatusCode.Should().Be(HttpStatusCode.NotFound);
        problem.Code().Should().Be("run_not_found");
        list.GetProperty("items").GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task The_correlation_id_reaches_the_control_plane_the_runner_and_langflow()
    {
        var account = await platform.AccountAsync();
        using var client = platform.Gateway.Client(account.Key);
        var correlation = $"corr-{Guid.NewGuid():N}";
        client.DefaultRequestHeaders.Add(CorrelationId.Header, correlation);
        platform.Gateway.ControlPlaneCalls.Clear();

        var (response, _) = await client.PostJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = "trace me" });

        response.Headers.GetValues(CorrelationId.Header).Should().Equal(correlation);
        var calls = platform.Gateway.ControlPlaneCalls.All.Where(c => c.Path.Contains("/reservations", StringComparison.Ordinal)).ToList();
        calls.Should().HaveCount(2).And.OnlyContain(c => c.CorrelationId == correlation);   // reserve, commit
        var langflow = (await platform.SimRunsAsync()).Single();
        langflow.GetProperty("headers").GetProperty("x-correlation-id").GetString().Should().Be(correlation);
    }
}
