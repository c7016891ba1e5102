using Cmp.Kubernetes.Client;
using Cmp.Kubernetes.Model;
using Cmp.Simulators.KubeApi;
using Cmp.Simulators.KubeApi.Http;

namespace Cmp.Kubernetes.Tests.Client;

/// <summary>How the client treats failures: reads retry, writes don't, everything is a value.</summary>
public sealed class KubeClientTests : IAsyncLifetime
{
    KubeApiServer _api = null!;
    KubeClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _api = await KubeFake.StartAsync();
        _client = KubeFake.Client(_api, settings: new KubeClientSettings { RetryBaseDelay = TimeSpan.FromMilliseconds(5), RequestTimeout = TimeSpan.FromSeconds(5) });
    }

    public ValueTask DisposeAsync() => _api.DisposeAsync();

    [Fact]
    public async Task Reads_are_retried_through_server_errors_and_throttling()
    {
        (await _client.CreateAsync(new ConfigMap { Metadata = new() { Name = "r" } })).Ok();
        _api.Faults.Add(new Fault("GET", "/configmaps/r", 500, 1));
        _api.Faults.Add(new Fault("GET", "/configmaps/r", 429, 1));

        (await _client.GetAsync<ConfigMap>("r")).Ok();

        _api.Requests.All.Count(r => r.Method == "GET" && r.PathAndQuery.EndsWith("/configmaps/r", StringComparison.Ordinal)).Should().Be(3);
    }

    [Fact]
    public async Task Writes_are_not_retried()
    {
        _api.Faults.Add(new Fault("POST", "/configmaps", 503, 1));

        (await _client.CreateAsync(new ConfigMap { Metadata = new() { Name = "w" } })).Fails(KubeErrors.ServerError);

        _api.Requests.All.Count(r => r.Method == "POST").Should().Be(1);
    }

    [Fact]
    public async Task A_dropped_connection_is_an_unreachable_error_value()
    {
        _api.Faults.Add(new Fault("POST", "/configmaps", 0, 1));

        (await _client.CreateAsync(new ConfigMap { Metadata = new() { Name = "d" } })).Fails(KubeErrors.Unreachable);
    }

    [Fact]
    public async Task An_unreachable_server_is_an_error_value()
    {
        var dead = new KubeClient(new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Cmp.Testing.FreePort.Next()}") }, "default",
            new KubeClientSettings { MaxRetries = 1, RetryBaseDelay = TimeSpan.FromMilliseconds(1) });

        (await dead.GetAsync<ConfigMap>("x")).Fails(KubeErrors.Unreachable);
        var events = new List<WatchEvent<ConfigMap>>();
        await foreach (var e in dead.WatchAsync<ConfigMap>(null, new WatchOptions())) events.Add(e);
        events.Should().ContainSingle().Which.Type.Should().Be(WatchEventType.Error);
    }

    [Fact]
    public async Task A_watch_refused_with_an_http_error_arrives_as_an_error_event()
    {
        _api.Faults.Add(new Fault("GET", "watch=true", 403, 1));

        var events = new List<WatchEvent<ConfigMap>>();
        await foreach (var e in _client.WatchAsync<ConfigMap>(null, new WatchOptions())) events.Add(e);

        events.Should().ContainSingle().Which.Status!.Code.Should().Be(403);
    }

    [Fact]
    public async Task Cancellation_throws_instead_of_returning_an_error()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        var act = () => _client.GetAsync<ConfigMap>("x", ct: cts.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
    }
}
