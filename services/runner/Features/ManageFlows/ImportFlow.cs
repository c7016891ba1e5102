using System.Text.Json;
using Cmp.Primitives;
using Cmp.Runner.Domain;
using Cmp.Runner.Infrastructure.Langflow;

namespace Cmp.Runner.Features.ManageFlows;

/// <summary>
/// Creates or updates a flow under a fixed id (Langflow's <c>PUT /api/v1/flows/{id}</c> upsert), so provisioning can
/// repeat an import safely. A name or endpoint name used by another flow is a conflict.
/// </summary>
public sealed class ImportFlow(ILangflowClient langflow, ILogger<ImportFlow> log)
{
    public async Task<Result<LangflowFlow>> ExecuteAsync(string id, JsonElement document, CancellationToken ct)
    {
        var parsed = FlowId.Parse(id);
        if (!parsed.TryGetValue(out var flowId, out var invalid)) return invalid;
        if (Check(document, flowId) is { } wrong) return wrong;

        var result = await langflow.PutFlowAsync(flowId, document, ct);
        if (result.TryGetValue(out var flow, out var error))
            log.LogInformation("Flow {FlowId} {Outcome}", flowId, flow.Created ? "created" : "updated");
        else
            log.LogWarning("Import of flow {FlowId} failed: {Code} {Reason}", flowId, error.Code, error.Message);
        return result;
    }

    /// <summary>What the runner can tell before Langflow does; Langflow validates the rest (nodes, edges, endpoint name).</summary>
    static Error? Check(JsonElement document, Guid flowId)
    {
        if (document.ValueKind != JsonValueKind.Object)
            return RunnerErrors.FlowDocumentInvalid("The flow document must be a JSON object (a Langflow flow export).");
        if (!document.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(name.GetString()))
            return RunnerErrors.FlowDocumentInvalid("The flow document needs a non-empty 'name'.");
        if (document.TryGetProperty("data", out var data) && data.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            return RunnerErrors.FlowDocumentInvalid("The flow's 'data' must be an object with 'nodes' and 'edges'.");
        if (document.TryGetProperty("id", out var bodyId) && bodyId.ValueKind != JsonValueKind.Null
            && !(bodyId.ValueKind == JsonValueKind.String && FlowId.TryParse(bodyId.GetString(), out var inBody) && inBody == flowId))
            return RunnerErrors.FlowDocumentInvalid($"The document's 'id' differs from the id in the path ({flowId:D}); omit it or make them equal.");
        return null;
    }
}
