using System.Text.Json;
using Cmp.Primitives;
using Cmp.Runner.Domain;
using Cmp.Runner.Infrastructure.Langflow;

namespace Cmp.Runner.Features.ManageFlows;

/// <summary>A flow as Langflow stores it.</summary>
public sealed class GetFlow(ILangflowClient langflow)
{
    public async Task<Result<JsonElement>> ExecuteAsync(string id, CancellationToken ct)
    {
        var parsed = FlowId.Parse(id);
        if (!parsed.TryGetValue(out var flowId, out var invalid)) return invalid;
        return await langflow.GetFlowAsync(flowId, ct);
    }
}
