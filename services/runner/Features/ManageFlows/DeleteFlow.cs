using Cmp.Primitives;
using Cmp.Runner.Domain;
using Cmp.Runner.Infrastructure.Langflow;

namespace Cmp.Runner.Features.ManageFlows;

/// <summary>Deletes a flow. Idempotent: a flow that is already gone counts as deleted, so retries and replays are safe.</summary>
public sealed class DeleteFlow(ILangflowClient langflow, ILogger<DeleteFlow> log)
{
    public async Task<Result<Unit>> ExecuteAsync(string id, CancellationToken ct)
    {
        var parsed = FlowId.Parse(id);
        if (!parsed.TryGetValue(out var flowId, out var invalid)) return invalid;
        var result = await langflow.DeleteFlowAsync(flowId, ct);
        if (!result.TryGetValue(out var deleted, out var error)) return error;
        log.LogInformation("Flow {FlowId} {Outcome}", flowId, deleted ? "deleted" : "was already absent");
        return Unit.Value;
    }
}
