using System.Text.Json;
using Cmp.Hosting.Auth;
using Cmp.Hosting.Problems;
using Cmp.Primitives;
using Cmp.Runner.Client.Contracts;
using Cmp.Runner.Features;
using Cmp.Runner.Features.ManageFlows;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Cmp.Runner.Apis;

/// <summary>
/// <c>/v1/flows/{id}</c>: flow management for provisioning. PUT creates or updates by fixed id (idempotent), GET
/// reads, DELETE deletes (deleting a missing flow succeeds). The body and answers are Langflow's flow JSON.
/// </summary>
public static class FlowsApi
{
    public static RouteGroupBuilder MapFlowsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup(RunnerRoutes.Flows).RequireAuthorization(Policies.Service).WithTags("Flows");
        g.MapPut("/{id}", Put).WithName("ImportFlow").WithSummary("Create or update a flow by fixed id")
            .Accepts<JsonElement>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        g.MapGet("/{id}", Get).WithName("GetFlow").WithSummary("Read a flow")
            .ProducesProblem(StatusCodes.Status404NotFound);
        g.MapDelete("/{id}", Delete).WithName("DeleteFlow").WithSummary("Delete a flow (idempotent)");
        foreach (var status in new[] { 422, 500, 502, 503, 504 }) g.ProducesProblem(status);
        return g;
    }

    /// <summary>The body is read here rather than bound, so the flow-sized limit can apply before reading starts.</summary>
    static async Task<Results<Created<JsonElement>, Ok<JsonElement>, ProblemHttpResult>> Put(
        string id, HttpRequest request, ImportFlow import, IOptionsMonitor<RunnerOptions> options, CancellationToken ct)
    {
        var max = options.CurrentValue.MaxFlowBytes;
        // Refused before reading, so a client that sent "Expect: 100-continue" never uploads the body at all.
        if (request.ContentLength > max)
            return new Error("payload_too_large", $"The flow document is larger than {max} bytes (Runner:MaxFlowBytes).", ErrorKind.Validation)
                .ToProblem(StatusCodes.Status413PayloadTooLarge);
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = max;
        if (!request.HasJsonContentType())
            return new Error("unsupported_media_type", "Send the flow as application/json.", ErrorKind.Validation)
                .ToProblem(StatusCodes.Status415UnsupportedMediaType);

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, default, ct);
        }
        catch (JsonException e)
        {
            return new Error("invalid_json", $"The flow document is not valid JSON: {e.Message}", ErrorKind.Validation)
                .ToProblem(StatusCodes.Status400BadRequest);
        }
        using (document)
        {
            var result = await import.ExecuteAsync(id, document.RootElement, ct);
            if (!result.TryGetValue(out var flow, out var error)) return error.ToRunnerProblem();
            return flow.Created
                ? TypedResults.Created(RunnerRoutes.Flow(Guid.Parse(id)), flow.Flow)
                : TypedResults.Ok(flow.Flow);
        }
    }

    static async Task<Results<Ok<JsonElement>, ProblemHttpResult>> Get(string id, GetFlow get, CancellationToken ct)
    {
        var result = await get.ExecuteAsync(id, ct);
        return result.TryGetValue(out var flow, out var error) ? TypedResults.Ok(flow) : error.ToRunnerProblem();
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(string id, DeleteFlow delete, CancellationToken ct)
    {
        var result = await delete.ExecuteAsync(id, ct);
        return result.IsSuccess ? TypedResults.NoContent() : result.Error.ToRunnerProblem();
    }
}
