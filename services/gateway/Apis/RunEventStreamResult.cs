using System.Reflection;
using Cmp.Gateway.Features.Runs;
using Cmp.Hosting.Streaming;
using Cmp.Primitives;
using Cmp.Runner.Client.Contracts;
using Microsoft.AspNetCore.Http.Metadata;

namespace Cmp.Gateway.Apis;

/// <summary>
/// A streamed run as server-sent events: <c>token</c> <c>{text}</c>, <c>message</c>, then exactly one <c>end</c> (the
/// same body a sync run answers, with the credits charged) or <c>error</c>
/// (<c>{code, detail, status, type, title, run_id, credits_charged}</c>), with keep-alives while nothing happens.
/// If the caller disconnects, the run is cancelled upstream and settled by the disconnect rule.
/// </summary>
public sealed class RunEventStreamResult(AgentRunStream run, TimeSpan heartbeat) : IResult, IEndpointMetadataProvider
{
    public Task ExecuteAsync(HttpContext http)
    {
        http.Response.Headers["X-Run-Id"] = run.RunId.ToString();
        return ServerSentEvents.WriteAsync(http, run.ReadAllAsync, run, Frame, e => e is AgentRunCompleted or AgentRunFailed, heartbeat);
    }

    static SseFrame Frame(AgentRunEvent e) => e switch
    {
        AgentRunToken t => new(RunStreamEvents.Token, new RunToken(t.Text)),
        AgentRunMessage m => new(RunStreamEvents.Message, m.Message),
        AgentRunCompleted c => new(RunStreamEvents.End, c.Response),
        AgentRunFailed f => new(RunStreamEvents.Error, ToStreamError(f.Error)),
        _ => throw new InvalidOperationException($"Unknown run event {e.GetType().Name}."),
    };

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

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(RunResponse), ["application/json", ServerSentEvents.ContentType]));
}
