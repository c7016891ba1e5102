using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Cmp.Gateway.Tests.Support;
using Cmp.Testing;

namespace Cmp.Gateway.Tests.Apis;

/// <summary>Streamed runs over SSE end to end, and the rule for callers that disconnect mid-stream.</summary>
public sealed class RunStreamingTests(Platform platform) : IAsyncLifetime
{
    public async ValueTask InitializeAsync() => await platform.ResetSimAsync();
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    static HttpRequestMessage StreamRequest(Guid instance, string input, bool viaAccept = false)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/runs")
        {
            Content = JsonContent.Create(viaAccept ? (object)new { instance_id = instance, input } : new { instance_id = instance, input, stream = true }),
        };
        if (viaAccept) request.Headers.Accept.ParseAdd("text/event-stream");
        return request;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_streamed_run_sends_tokens_then_an_end_event_with_the_charge(bool viaAccept)
    {
        var account = await platform.AccountAsync(credits: 5);
        using var client = platform.Gateway.Client(account.Key);

        using var response = await client.SendAsync(StreamRequest(account.InstanceId, "Stream me an answer", viaAccept), HttpCompletionOption.ResponseHeadersRead);
        var (events, _) = await Sse.ReadAsync(response);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        var runId = Guid.Parse(response.Headers.GetValues("X-Run-Id").Single());
        events.Should().Contain(e => e.Name == "token");
        events.Last().Name.Should().Be("end");
        events.Count(e => e.Name is "end" or "error").Should().Be(1);
        var end = events.Last().Data;
        end.GetProperty("run_id").GetGuid().Should().Be(runId);
        var streamed = string.Concat(events.Where(e => e.Name == "token").Select(e => e.Data.GetProperty("text").GetString()));
        streamed.Should().Be(end.GetProperty("output").GetString());
        end.GetProperty("usage").GetProperty("credits_charged").GetInt64().Should().Be(1);
        end.GetProperty("usage").GetProperty("balance_after").GetInt64().Should().Be(4);
        end.GetProperty("usage").GetProperty("output_tokens").GetInt64().Should().Be(events.Count(e => e.Name == "token"));
        (await platform.LedgerAsync(account.TenantId)).Select(e => (e.Kind, e.Amount)).Should().Equal(("grant", 5), ("reserve", 1), ("commit", 1));
        (await client.SettledRunAsync(runId)).GetProperty("stream").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task A_token_priced_stream_is_charged_when_it_ends_by_the_tokens_it_used()
    {
        var account = await platform.AccountAsync(Platform.TokenSku, credits: 50);
        using var client = platform.Gateway.Client(account.Key);

        using var response = await client.SendAsync(StreamRequest(account.InstanceId, "A slightly longer question about billing"), HttpCompletionOption.ResponseHeadersRead);
        var (events, _) = await Sse.ReadAsync(response);

        var usage = events.Single(e => e.Name == "end").Data.GetProperty("usage");
        var tokens = usage.GetProperty("input_tokens").GetInt64() + usage.GetProperty("output_tokens").GetInt64();
        var cost = Math.Min(1 + (tokens * 100 + 999) / 1000, 20);
        usage.GetProperty("credits_charged").GetInt64().Should().Be(cost);
        (await platform.CreditsAsync(account.TenantId)).Should().Be(new Credits(50 - cost, 0, 50 - cost));
    }

    [Fact]
    public async Task A_caller_who_disconnects_mid_stream_pays_for_the_output_delivered_and_the_run_is_cancelled_upstream()
    {
        var account = await platform.AccountAsync(Platform.TokenSku, credits: 50);
        await platform.ArmAsync("latency", new { ms = 0, token_delay_ms = 300, count = 1 });
        // A client that hangs up at once (HttpClient would otherwise drain the rest of the response).
        using var caller = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = platform.Gateway.Url };
        caller.DefaultRequestHeaders.Authorization = new("Bearer", account.Key);
        var response = await caller.SendAsync(StreamRequest(account.InstanceId, "Please write a long answer about the weather today"), HttpCompletionOption.ResponseHeadersRead);
        var runId = Guid.Parse(response.Headers.GetValues("X-Run-Id").Single());
        var (events, _) = await Sse.ReadAsync(response, until: e => e.Name == "token");

        response.Dispose();

        using var client = platform.Gateway.Client(account.Key);
        var run = await client.SettledRunAsync(runId);
        run.GetProperty("status").GetString().Should().Be("cancelled");
        run.GetProperty("error_code").GetString().Should().Be("client_closed_request");
        var delivered = run.GetProperty("output_tokens").GetInt64();
        delivered.Should().BeGreaterThanOrEqualTo(events.Count(e => e.Name == "token")).And.BeLessThan(10);
        var charged = 1 + (delivered * 100 + 999) / 1000;   // per-run part + the tokens delivered, by the price rule
        run.GetProperty("credits_charged").GetInt64().Should().Be(charged);
        run.GetProperty("settlement").GetString().Should().Be("committed");
        (await platform.CreditsAsync(account.TenantId)).Should().Be(new Credits(50 - charged, 0, 50 - charged));
        var langflow = await Poller.ValueAsync<JsonElement?>(async () =>
            (await platform.SimRunsAsync()).SingleOrDefault(r => r.GetProperty("outcome").GetString() != "pending") is { ValueKind: JsonValueKind.Object } r ? r : null,
            "Langflow to see the run's connection close");
        langflow!.Value.GetProperty("outcome").GetString().Should().Be("client_gone");
    }

    [Fact]
    public async Task A_caller_who_gives_up_before_the_first_token_pays_nothing()
    {
        var account = await platform.AccountAsync(credits: 5);
        await platform.ArmAsync("latency", new { ms = 2000, count = 1 });
        using var caller = new HttpClient { BaseAddress = platform.Gateway.Url };
        caller.DefaultRequestHeaders.Authorization = new("Bearer", account.Key);
        using var cts = new CancellationTokenSource();
        var send = caller.SendAsync(StreamRequest(account.InstanceId, "Never mind"), HttpCompletionOption.ResponseHeadersRead, cts.Token);
        await Poller.UntilAsync(async () => (await platform.CreditsAsync(account.TenantId)).Reserved > 0, "the run's credits to be reserved");

        await cts.CancelAsync();
        await FluentActions.Awaiting(() => send).Should().ThrowAsync<OperationCanceledException>();

        using var client = platform.Gateway.Client(account.Key);
        var run = await client.LatestRunAsync(account.InstanceId);
        run.GetProperty("status").GetString().Should().Be("cancelled");
        run.GetProperty("credits_charged").GetInt64().Should().Be(0);
        run.GetProperty("settlement").GetString().Should().Be("released");
        await platform.ShouldBeUnchargedAsync(account, 5);
    }

    [Fact]
    public async Task A_silent_stream_gets_keep_alive_comments()
    {
        await using var gateway = platform.StartGateway(new() { ["Runs:StreamHeartbeatInterval"] = "00:00:00.050" });
        var account = await platform.AccountAsync();
        await platform.ArmAsync("latency", new { ms = 0, token_delay_ms = 200, count = 1 });
        using var client = gateway.Client(account.Key);

        using var response = await client.SendAsync(StreamRequest(account.InstanceId, "Hi"), HttpCompletionOption.ResponseHeadersRead);
        var (events, raw) = await Sse.ReadAsync(response);

        raw.Should().Contain(": keep-alive\n");
        events.Last().Name.Should().Be("end", events.Last().Data.ToString());
    }

    [Fact]
    public async Task Failures_before_the_stream_starts_are_ordinary_problem_responses()
    {
        var account = await platform.AccountAsync(credits: 5);
        await platform.ArmAsync("errors", new { status = 503, count = 1 });
        using var client = platform.Gateway.Client(account.Key);

        using var response = await client.SendAsync(StreamRequest(account.InstanceId, "Hi"));

        await response.ShouldBeUnchargedProblemAsync(HttpStatusCode.ServiceUnavailable, "langflow_unavailable");
        await platform.ShouldBeUnchargedAsync(account, 5);
    }

    [Fact]
    public async Task A_failure_mid_stream_is_an_error_event_and_nothing_is_charged()
    {
        var account = await platform.AccountAsync(credits: 5);
        await platform.ArmAsync("errors", new { kind = "component", message = "Incorrect API key provided", after_tokens = 2, count = 1 });
        using var client = platform.Gateway.Client(account.Key);

        using var response = await client.SendAsync(StreamRequest(account.InstanceId, "Hi there, how are you"), HttpCompletionOption.ResponseHeadersRead);
        var (events, _) = await Sse.ReadAsync(response);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        events.Count(e => e.Name == "token").Should().Be(2);
        var error = events.Last();
        error.Name.Should().Be("error");
        error.Data.GetProperty("code").GetString().Should().Be("flow_failed");
        error.Data.GetProperty("status").GetInt32().Should().Be(502);
        error.Data.GetProperty("credits_charged").GetInt64().Should().Be(0);
        Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(error.Data.GetProperty("detail").GetString()!)).Should().Contain("Incorrect API key");
        await platform.ShouldBeUnchargedAsync(account, 5);
    }
}
