using System.Collections.Concurrent;
using System.Net;
using Cmp.Hosting.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Cmp.Hosting.Tests.Http;

/// <summary>The default outbound pipeline against a real, deliberately flaky server on loopback.</summary>
public sealed class ResilientHttpClientTests : IAsyncLifetime
{
    readonly ConcurrentDictionary<string, int> _hits = new();
    TestApp _flaky = null!;

    public async ValueTask InitializeAsync()
    {
        _flaky = await TestApp.StartAsync(new Dictionary<string, string?>(), app =>
        {
            // Fails the first `fail` calls of each key with 503, then answers 200.
            app.MapMethods("/flaky/{key}/{fail:int}", ["GET", "POST", "PUT"], (string key, int fail) =>
                _hits.AddOrUpdate(key, 1, (_, n) => n + 1) <= fail ? Results.StatusCode(503) : Results.Ok());
            app.MapGet("/slow/{key}", async (string key, CancellationToken ct) =>
            {
                if (_hits.AddOrUpdate(key, 1, (_, n) => n + 1) == 1) await Task.Delay(3000, ct);
                return Results.Ok();
            });
            app.MapGet("/limited/{key}", (string key, HttpResponse response) =>
            {
                if (_hits.AddOrUpdate(key, 1, (_, n) => n + 1) > 1) return Results.Ok();
                response.Headers.RetryAfter = "1";
                return Results.StatusCode(429);
            });
            app.MapGet("/down", () => Results.StatusCode(503));
            app.MapGet("/broken", () => Results.StatusCode(502));
        }, withAuth: false);
    }

    public ValueTask DisposeAsync() => _flaky.DisposeAsync();

    HttpClient Client(Dictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Http:dep:BaseAddress"] = _flaky.Url.ToString(),
            ["Http:dep:AttemptTimeout"] = "00:00:00.500",
            ["Http:dep:BaseDelay"] = "00:00:00.010",
            ["Http:dep:MaxRetries"] = "3",
        };
        foreach (var (k, v) in overrides ?? []) settings[k] = v;
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddCmpHttpClient(config, "dep");
        return services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>().CreateClient("dep");
    }

    [Fact]
    public async Task Idempotent_get_is_retried_until_it_succeeds()
    {
        var response = await Client().GetAsync("flaky/get/2");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _hits["get"].Should().Be(3);
    }

    [Fact]
    public async Task Post_without_idempotency_key_is_not_retried()
    {
        var response = await Client().PostAsync("flaky/post/2", null);

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        _hits["post"].Should().Be(1);
    }

    [Fact]
    public async Task Post_with_idempotency_key_is_retried()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "flaky/keyed/2");
        request.Headers.Add("Idempotency-Key", "k1");

        var response = await Client().SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _hits["keyed"].Should().Be(3);
    }

    [Fact]
    public async Task A_hanging_attempt_times_out_and_is_retried()
    {
        var response = await Client().GetAsync("slow/hang");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _hits["hang"].Should().Be(2);
    }

    [Fact]
    public async Task Retry_after_is_honoured()
    {
        var started = DateTime.UtcNow;

        var response = await Client(new() { ["Http:dep:AttemptTimeout"] = "00:00:05", ["Http:dep:TotalTimeout"] = "00:00:10" })
            .GetAsync("limited/ra");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (DateTime.UtcNow - started).Should().BeGreaterThan(TimeSpan.FromMilliseconds(900));
    }

    [Fact]
    public async Task Total_timeout_bounds_the_whole_call()
    {
        var client = Client(new() { ["Http:dep:AttemptTimeout"] = "00:00:05", ["Http:dep:TotalTimeout"] = "00:00:00.300", ["Http:dep:MaxRetries"] = "0" });

        var act = () => client.GetAsync("slow/total");

        await act.Should().ThrowAsync<TimeoutRejectedException>();
    }

    [Fact]
    public async Task The_circuit_opens_after_repeated_failures_and_then_fails_fast()
    {
        var client = Client(new() { ["Http:dep:MinimumThroughput"] = "4", ["Http:dep:MaxRetries"] = "0", ["Http:dep:BreakDuration"] = "00:00:30" });
        for (var i = 0; i < 4; i++) (await client.GetAsync("down")).StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);

        var act = () => client.GetAsync("down");

        await act.Should().ThrowAsync<BrokenCircuitException>();
    }

    [Fact]
    public async Task Failures_of_single_requests_do_not_open_the_circuit()
    {
        var client = Client(new() { ["Http:dep:MinimumThroughput"] = "4", ["Http:dep:MaxRetries"] = "0", ["Http:dep:BreakDuration"] = "00:00:30" });
        for (var i = 0; i < 8; i++) (await client.GetAsync("broken")).StatusCode.Should().Be(HttpStatusCode.BadGateway);

        var response = await client.GetAsync("flaky/after-broken/0");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
