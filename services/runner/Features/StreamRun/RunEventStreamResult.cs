using System.Reflection;
using System.Text;
using System.Text.Json;
using Cmp.Hosting;
using Cmp.Primitives;
using Cmp.Runner.Apis;
using Cmp.Runner.Client;
using Cmp.Runner.Client.Contracts;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace Cmp.Runner.Features.StreamRun;

/// <summary>
/// Writes a run's events as standard server-sent events (<c>event:</c> + one <c>data:</c> line + blank line), each
/// flushed as it comes: <c>token</c> <c>{text}</c>, <c>message</c>, <c>end</c> (the run result) or <c>error</c>
/// (<c>{code, detail, status, type, title}</c>). While nothing happens, a <c>: keep-alive</c> comment goes out every
/// heartbeat interval. If the caller disconnects, reading stops and the Langflow connection is closed, which
/// cancels the run there.
/// </summary>
public sealed class RunEventStreamResult(RunEventSource source, TimeSpan heartbeat) : IResult, IEndpointMetadataProvider
{
    public const string ContentType = "text/event-stream";
    static readonly byte[] KeepAlive = ": keep-alive\n\n"u8.ToArray();

    public async Task ExecuteAsync(HttpContext http)
    {
        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType + "; charset=utf-8";
        response.Headers.CacheControl = "no-cache, no-store";
        response.Headers["X-Accel-Buffering"] = "no";   // nginx-style proxies: do not buffer the stream
        http.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();

        await using var owner = source.Owner;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        var events = source.Events.GetAsyncEnumerator(stop.Token);
        Task<bool>? pending = null;
        try
        {
            await response.Body.FlushAsync(stop.Token);   // headers out now: the caller knows the run has started
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
                await WriteAsync(response, Frame(e), stop.Token);
                if (e is RunEndEvent or RunErrorEvent) break;
                pending = events.MoveNextAsync().AsTask();
            }
        }
        catch (Exception e) when (http.RequestAborted.IsCancellationRequested && e is OperationCanceledException or IOException)
        {
            // The caller went away. Disposing below closes the Langflow connection, and Langflow cancels the run.
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

    static async Task WriteAsync(HttpResponse response, byte[] bytes, CancellationToken ct)
    {
        await response.Body.WriteAsync(bytes, ct);
        await response.Body.FlushAsync(ct);
    }

    /// <summary>One event. The JSON is written on one line (no indentation; newlines in text are escaped).</summary>
    static byte[] Frame(RunEvent e)
    {
        var (name, data) = e switch
        {
            RunTokenEvent t => (RunStreamEvents.Token, Json(new RunToken(t.Text))),
            RunMessageEvent m => (RunStreamEvents.Message, Json(m.Message)),
            RunEndEvent end => (RunStreamEvents.End, Json(end.Result)),
            RunErrorEvent err => (RunStreamEvents.Error, Json(ToStreamError(err.Error))),
            _ => throw new InvalidOperationException($"Unknown run event {e.GetType().Name}."),
        };
        return Encoding.UTF8.GetBytes($"event: {name}\ndata: {data}\n\n");
    }

    /// <summary>The same code, detail and status the failure would have as a problem+json response.</summary>
    public static RunStreamError ToStreamError(Error error)
    {
        var problem = error.ToRunnerProblemDetails();
        return new RunStreamError(error.Code, error.Message, problem.Status ?? 500) { Type = problem.Type, Title = problem.Title };
    }

    static string Json<T>(T value) => JsonSerializer.Serialize(value, CmpDefaults.Json);

    /// <summary>The 200 of a run is the result as JSON, or the stream whose <c>end</c> event carries the same result.</summary>
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(RunResult), ["application/json", ContentType]));
}
