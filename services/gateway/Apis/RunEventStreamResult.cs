using System.Reflection;
using System.Text;
using System.Text.Json;
using Cmp.Gateway.Features.Runs;
using Cmp.Hosting;
using Cmp.Primitives;
using Cmp.Runner.Client.Contracts;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace Cmp.Gateway.Apis;

/// <summary>
/// A streamed run as server-sent events, each flushed as it comes: <c>token</c> <c>{text}</c>, <c>message</c>, then
/// exactly one <c>end</c> (the same body a sync run answers, with the credits charged) or <c>error</c>
/// (<c>{code, detail, status, type, title, run_id, credits_charged}</c>). A <c>: keep-alive</c> comment goes out while
/// nothing happens. If the caller disconnects, the run is cancelled upstream and settled by the disconnect rule.
/// </summary>
public sealed class RunEventStreamResult(AgentRunStream run, TimeSpan heartbeat) : IResult, IEndpointMetadataProvider
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
        response.Headers["X-Run-Id"] = run.RunId.ToString();
        http.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();

        await using var owner = run;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        var events = run.ReadAllAsync(stop.Token).GetAsyncEnumerator(stop.Token);
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
                if (e is AgentRunCompleted or AgentRunFailed) break;
                pending = events.MoveNextAsync().AsTask();
            }
        }
        catch (Exception e) when (http.RequestAborted.IsCancellationRequested && e is OperationCanceledException or IOException)
        {
            // The caller went away: disposing the events below cancels the run and settles it.
        }
        finally
        {
            await stop.CancelAsync();
            if (pending is not null)
            {
                // Let the read in flight finish before disposing the enumerator.
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

    static byte[] Frame(AgentRunEvent e)
    {
        var (name, data) = e switch
        {
            AgentRunToken t => (RunStreamEvents.Token, Json(new RunToken(t.Text))),
            AgentRunMessage m => (RunStreamEvents.Message, Json(m.Message)),
            AgentRunCompleted c => (RunStreamEvents.End, Json(c.Response)),
            AgentRunFailed f => (RunStreamEvents.Error, Json(ToStreamError(f.Error))),
            _ => throw new InvalidOperationException($"Unknown run event {e.GetType().Name}."),
        };
        return Encoding.UTF8.GetBytes($"event: {name}\ndata: {data}\n\n");
    }

    /// <summary>The same members the failure would have as a problem+json response.</summary>
    public static Dictionary<string, object?> ToStreamError(Error error)
    {
        var problem = error.ToGatewayProblemDetails();
        var body = new Dictionary<string, object?>
        {
            ["code"] = error.Code, ["detail"] = error.Message, ["status"] = problem.Status, ["type"] = problem.Type, ["title"] = problem.Title,
        };
        foreach (var (k, v) in error.Details) body[k] = v;
        return body;
    }

    static string Json<T>(T value) => JsonSerializer.Serialize(value, CmpDefaults.Json);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(RunResponse), ["application/json", ContentType]));
}
