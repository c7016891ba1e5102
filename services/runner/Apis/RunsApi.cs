using Cmp.Hosting.Auth;
using Cmp.Hosting.Streaming;
using Cmp.Runner.Client.Contracts;
using Cmp.Runner.Features;
using Cmp.Runner.Features.RunFlow;
using Cmp.Runner.Features.StreamRun;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Cmp.Runner.Apis;

/// <summary><c>POST /v1/runs</c>: run a Langflow flow, answering with the result or streaming it as server-sent events.</summary>
public static class RunsApi
{
    public static RouteGroupBuilder MapRunsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup(RunnerRoutes.Runs).RequireAuthorization(Policies.Service).WithTags("Runs");
        g.MapPost("", Run).WithName("RunFlow")
            .WithSummary("Run a flow")
            .WithDescription("Streams server-sent events (token, message, end | error) when `stream` is true or the request accepts text/event-stream.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status500InternalServerError)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);
        return g;
    }

    static async Task<Results<Ok<RunResult>, RunEventStreamResult, ProblemHttpResult>> Run(
        RunRequest request, HttpRequest http, RunFlow run, StreamRun stream, IOptionsMonitor<RunnerOptions> options, CancellationToken ct)
    {
        if (request.Stream == true || ServerSentEvents.IsRequested(http.HttpContext))
        {
            var started = await stream.StartAsync(request, ct);
            return started.TryGetValue(out var source, out var refused)
                ? new RunEventStreamResult(source, options.CurrentValue.StreamHeartbeatInterval)
                : refused.ToRunnerProblem();
        }
        var result = await run.ExecuteAsync(request, ct);
        return result.TryGetValue(out var ok, out var error) ? TypedResults.Ok(ok) : error.ToRunnerProblem();
    }

}
