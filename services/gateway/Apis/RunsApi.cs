using Cmp.Gateway.Auth;
using Cmp.Gateway.Features.Runs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Cmp.Gateway.Apis;

/// <summary><c>/v1/runs</c>: run an agent instance (metered, sync or streamed) and read the caller's runs.</summary>
public static class RunsApi
{
    public static RouteGroupBuilder MapRunsApi(this IEndpointRouteBuilder app)
    {
        var maxBody = app.ServiceProvider.GetRequiredService<IOptions<RunsOptions>>().Value.MaxRequestBytes;
        var g = app.MapGroup("/v1/runs").RequireAuthorization(GatewayPolicies.Runs).WithTags("Runs");
        g.MapPost("", Create).WithName("CreateRun")
            .WithSummary("Run an agent instance")
            .WithDescription("Reserves the run's credits, runs it, and commits its cost. Streams server-sent events (token, message, end | error) when `stream` is true or the request accepts text/event-stream.")
            .WithMetadata(new RequestSizeLimitAttribute(maxBody))
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status402PaymentRequired)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);
        g.MapGet("/{id:guid}", Get).WithName("GetRun").WithSummary("One of the caller's runs");
        g.MapGet("", List).WithName("ListRuns").WithSummary("The caller's runs, newest first");
        return g;
    }

    static async Task<Results<Ok<RunResponse>, RunEventStreamResult, ProblemHttpResult>> Create(
        [FromBody] CreateRunRequest? body, HttpContext http, IAgentRuns runs, IOptionsMonitor<RunsOptions> options, CancellationToken ct)
    {
        var caller = RunCallers.From(http);
        if (!caller.TryGetValue(out var who, out var unauthenticated)) return unauthenticated.ToGatewayProblem(http);
        var key = http.Request.Headers["Idempotency-Key"].ToString();
        var request = (body ?? new CreateRunRequest()) with { IdempotencyKey = key.Length == 0 ? null : key };
        if (body?.Stream == true || AcceptsEventStream(http.Request))
        {
            var started = await runs.StartStreamAsync(who, request, ct);
            if (!started.TryGetValue(out var stream, out var refused)) return refused.ToGatewayProblem(http);
            if (stream.Replayed) http.Response.Headers["Idempotent-Replayed"] = "true";
            return new RunEventStreamResult(stream, options.CurrentValue.StreamHeartbeatInterval);
        }
        var result = await runs.RunAsync(who, request, ct);
        if (!result.TryGetValue(out var ok, out var error)) return error.ToGatewayProblem(http);
        http.Response.Headers["X-Run-Id"] = ok.RunId.ToString();
        http.Response.Headers.Location = $"/v1/runs/{ok.RunId}";
        if (ok.Replayed) http.Response.Headers["Idempotent-Replayed"] = "true";
        return TypedResults.Ok(ok);
    }

    static async Task<Results<Ok<RunView>, ProblemHttpResult>> Get(Guid id, HttpContext http, RunQueries queries, CancellationToken ct)
    {
        var caller = RunCallers.From(http);
        if (!caller.TryGetValue(out var who, out var unauthenticated)) return unauthenticated.ToGatewayProblem(http);
        var run = await queries.GetAsync(who, id, ct);
        return run.TryGetValue(out var view, out var error) ? TypedResults.Ok(view) : error.ToGatewayProblem(http);
    }

    static async Task<Results<Ok<RunPage>, ProblemHttpResult>> List(HttpContext http, RunQueries queries,
        [FromQuery(Name = "instance_id")] Guid? instanceId, Guid? before, int? limit, CancellationToken ct)
    {
        var caller = RunCallers.From(http);
        if (!caller.TryGetValue(out var who, out var unauthenticated)) return unauthenticated.ToGatewayProblem(http);
        var page = await queries.ListAsync(who, instanceId, before, limit, ct);
        return page.TryGetValue(out var p, out var error) ? TypedResults.Ok(p) : error.ToGatewayProblem(http);
    }

    static bool AcceptsEventStream(HttpRequest http) =>
        http.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(RunEventStreamResult.ContentType, StringComparison.OrdinalIgnoreCase));
}
