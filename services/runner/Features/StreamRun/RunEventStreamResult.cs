using System.Reflection;
using Cmp.Hosting.Streaming;
using Cmp.Primitives;
using Cmp.Runner.Apis;
using Cmp.Runner.Client;
using Cmp.Runner.Client.Contracts;
using Microsoft.AspNetCore.Http.Metadata;

namespace Cmp.Runner.Features.StreamRun;

/// <summary>
/// A run's events as server-sent events: <c>token</c> <c>{text}</c>, <c>message</c>, <c>end</c> (the run result) or
/// <c>error</c> (<c>{code, detail, status, type, title}</c>), with keep-alives while nothing happens. If the caller
/// disconnects, the Langflow connection is closed, which cancels the run there.
/// </summary>
public sealed class RunEventStreamResult(RunEventSource source, TimeSpan heartbeat) : IResult, IEndpointMetadataProvider
{
    public Task ExecuteAsync(HttpContext http) =>
        ServerSentEvents.WriteAsync(http, _ => source.Events, source.Owner, Frame, e => e is RunEndEvent or RunErrorEvent, heartbeat);

    static SseFrame Frame(RunEvent e) => e switch
    {
        RunTokenEvent t => new(RunStreamEvents.Token, new RunToken(t.Text)),
        RunMessageEvent m => new(RunStreamEvents.Message, m.Message),
        RunEndEvent end => new(RunStreamEvents.End, end.Result),
        RunErrorEvent err => new(RunStreamEvents.Error, ToStreamError(err.Error)),
        _ => throw new InvalidOperationException($"Unknown run event {e.GetType().Name}."),
    };

    /// <summary>The same code, detail and status the failure would have as a problem+json response.</summary>
    public static RunStreamError ToStreamError(Error error)
    {
        var problem = error.ToRunnerProblemDetails();
        return new RunStreamError(error.Code, error.Message, problem.Status ?? 500) { Type = problem.Type, Title = problem.Title };
    }

    /// <summary>The 200 of a run is the result as JSON, or the stream whose <c>end</c> event carries the same result.</summary>
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(RunResult), ["application/json", ServerSentEvents.ContentType]));
}
