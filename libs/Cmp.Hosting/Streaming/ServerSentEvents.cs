using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Cmp.Hosting.Streaming;

/// <summary>One server-sent event: its <c>event:</c> name and the value sent as one JSON <c>data:</c> line.</summary>
public readonly record struct SseFrame(string Name, object? Data);

/// <summary>
/// Writes a stream of events as standard server-sent events (<c>event:</c> + one <c>data:</c> line + blank line), each
/// flushed as it comes, with a <c>: keep-alive</c> comment whenever nothing happened for a heartbeat interval (proxies
/// and load balancers close idle connections; flows can think for minutes). The headers go out first, so the caller
/// knows the work has started. Writing stops after the last event or when the caller disconnects; either way the
/// owner is disposed, which is how the producer learns to stop (the runner closes Langflow's connection, the gateway
/// settles the run). .NET's <c>TypedResults.ServerSentEvents</c> has neither heartbeats nor the early flush.
/// </summary>
public static class ServerSentEvents
{
    public const string ContentType = "text/event-stream";
    static readonly byte[] KeepAlive = ": keep-alive\n\n"u8.ToArray();

    public static async Task WriteAsync<T>(
        HttpContext http,
        Func<CancellationToken, IAsyncEnumerable<T>> read,
        IAsyncDisposable owner,
        Func<T, SseFrame> frame,
        Func<T, bool> isLast,
        TimeSpan heartbeat)
    {
        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType + "; charset=utf-8";
        response.Headers.CacheControl = "no-cache, no-store";
        response.Headers["X-Accel-Buffering"] = "no";   // nginx-style proxies: do not buffer the stream
        http.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();

        await using var _ = owner;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        var events = read(stop.Token).GetAsyncEnumerator(stop.Token);
        Task<bool>? pending = null;
        try
        {
            await response.Body.FlushAsync(stop.Token);
            pending = events.MoveNextAsync().AsTask();
            Task? tick = null;   // one timer at a time, not one per event
            while (true)
            {
                if (!pending.IsCompleted)
                {
                    tick = tick is null || tick.IsCompleted ? Task.Delay(heartbeat, stop.Token) : tick;
                    if (await Task.WhenAny(pending, tick) == tick)
                    {
                        await WriteAsync(response, KeepAlive, stop.Token);
                        continue;
                    }
                }
                if (!await pending) break;
                var e = events.Current;
                await WriteAsync(response, Encode(frame(e)), stop.Token);
                if (isLast(e)) break;
                pending = events.MoveNextAsync().AsTask();
            }
        }
        catch (Exception e) when (http.RequestAborted.IsCancellationRequested && e is OperationCanceledException or IOException)
        {
            // The caller went away; disposing the events and the owner below stops the producer.
        }
        finally
        {
            await stop.CancelAsync();
            if (pending is not null)
            {
                // Let the read in flight finish before disposing the enumerator; its outcome was either handled
                // above, is a cancellation caused by the line before, or is already propagating.
                try { await pending; }
                catch { }
            }
            await events.DisposeAsync();
        }
    }

    /// <summary>True when the request asks for a stream (<c>Accept: text/event-stream</c>).</summary>
    public static bool IsRequested(HttpContext http) =>
        http.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(ContentType, StringComparison.OrdinalIgnoreCase));

    /// <summary>One event; the JSON is written on one line (no indentation; newlines in text are escaped).</summary>
    static byte[] Encode(SseFrame f) =>
        Encoding.UTF8.GetBytes($"event: {f.Name}\ndata: {JsonSerializer.Serialize(f.Data, CmpDefaults.Json)}\n\n");

    static async Task WriteAsync(HttpResponse response, byte[] bytes, CancellationToken ct)
    {
        await response.Body.WriteAsync(bytes, ct);
        await response.Body.FlushAsync(ct);
    }
}
