using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cmp.AgentCommerce.Tests.Harness;

/// <summary>An agent platform's order-event endpoint on loopback: records every delivery (headers and the exact body
/// bytes) and can be told to fail the next ones.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public sealed record Delivery(IReadOnlyDictionary<string, string> Headers, byte[] Body, DateTimeOffset At, int AnsweredStatus)
    {
        public string Text => System.Text.Encoding.UTF8.GetString(Body);
    }

    readonly WebApplication _app;
    readonly ConcurrentDictionary<string, ConcurrentQueue<int>> _failures = new();

    WebhookReceiver(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;
    public ConcurrentQueue<Delivery> Deliveries { get; } = new();

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/agentic_checkout/webhooks/order_events", async (HttpContext http) =>
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer);
            var text = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
            var status = receiver._failures.FirstOrDefault(f => text.Contains(f.Key, StringComparison.Ordinal)).Value is { } q && q.TryDequeue(out var s) ? s : 200;
            receiver.Deliveries.Enqueue(new Delivery(http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                buffer.ToArray(), DateTimeOffset.UtcNow, status));
            return status == 200 ? Results.Json(new { received = true }) : Results.StatusCode(status);
        });
        await app.StartAsync();
        receiver.Url = new Uri(app.Urls.First() + "/agentic_checkout/webhooks/order_events");
        return receiver;
    }

    /// <summary>The next deliveries whose body contains <paramref name="marker"/> (a session id) answer these statuses.</summary>
    public void FailNext(string marker, params int[] statuses)
    {
        var q = _failures.GetOrAdd(marker, _ => new ConcurrentQueue<int>());
        foreach (var s in statuses) q.Enqueue(s);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
