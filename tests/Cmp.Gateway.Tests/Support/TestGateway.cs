using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cmp.ControlPlane.Client;
using Cmp.Hosting.Http;
using Cmp.Testing.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Cmp.Gateway.Tests.Support;

/// <summary>
/// A gateway under test, with a recorder and a switchable fault on its calls to the control plane (innermost handler,
/// so the gateway's own resilience pipeline sees the faults as real failures).
/// </summary>
public sealed class TestGateway : IAsyncDisposable
{
    public ServiceFactory<Cmp.Gateway.Program> Service { get; set; } = null!;
    public OutboundCalls ControlPlaneCalls { get; } = new();

    public Uri Url => Service.Url;

    public T Get<T>() where T : notnull => Service.Services.GetRequiredService<T>();

    internal void Install(IServiceCollection services) =>
        services.AddHttpClient(ControlPlaneClient.ClientName).AddHttpMessageHandler(() => new RecordingHandler(ControlPlaneCalls));

    public HttpClient Client(string? bearer = null, string? origin = null)
    {
        var client = Service.CreateHttpClient(bearer);
        if (origin is not null) client.DefaultRequestHeaders.Add("Origin", origin);
        return client;
    }

    public async ValueTask DisposeAsync() => await Service.DisposeAsync();
}

/// <summary>What a gateway sent to a dependency, and faults to answer instead.</summary>
public sealed class OutboundCalls
{
    readonly ConcurrentQueue<(string Method, string Path, string? CorrelationId)> _calls = new();
    volatile Func<HttpRequestMessage, bool>? _fail;

    public IReadOnlyList<(string Method, string Path, string? CorrelationId)> All => _calls.ToList();

    public int Count(string pathSuffix) => _calls.Count(c => c.Path.EndsWith(pathSuffix, StringComparison.Ordinal));

    public void Clear() => _calls.Clear();

    /// <summary>Answer 503 to matching requests (as a control plane that is down would) until <see cref="Heal"/>.</summary>
    public void FailWhen(Func<HttpRequestMessage, bool> match) => _fail = match;

    public void Heal() => _fail = null;

    internal HttpResponseMessage? Record(HttpRequestMessage request)
    {
        request.Headers.TryGetValues(CorrelationId.Header, out var ids);
        _calls.Enqueue((request.Method.Method, request.RequestUri!.AbsolutePath, ids?.FirstOrDefault()));
        return _fail?.Invoke(request) == true
            ? new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
            {
                Content = JsonContent.Create(new { code = "injected_outage", detail = "test fault", status = 503 }),
            }
            : null;
    }
}

sealed class RecordingHandler(OutboundCalls calls) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) =>
        calls.Record(request) ?? await base.SendAsync(request, ct);
}

/// <summary>A clock that moves only when told to (cache and token expiry, without sleeping).</summary>
public sealed class ManualClock : TimeProvider
{
    long _ticks = DateTimeOffset.UtcNow.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);
    public override long GetTimestamp() => Interlocked.Read(ref _ticks);
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

/// <summary>Small request helpers so tests read as the calls they make.</summary>
public static class Http
{
    public static async Task<(HttpResponseMessage Response, JsonElement Body)> PostJsonAsync(this HttpClient client, string path, object? body)
    {
        var response = await client.PostAsync(path, body is null ? null : JsonContent.Create(body));
        return (response, await ReadAsync(response));
    }

    public static async Task<(HttpResponseMessage Response, JsonElement Body)> GetJsonAsync(this HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        return (response, await ReadAsync(response));
    }

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public static string Code(this JsonElement problem) => problem.GetProperty("code").GetString()!;
}
