using System.Text.Json;
using System.Text.Json.Nodes;
using Cmp.Primitives;
using Cmp.Runner.Client;

namespace Cmp.ControlPlane.Infrastructure.Flows;

/// <summary>Imports and removes flows through the runner (<c>PUT</c>/<c>DELETE /v1/flows/{id}</c>, both idempotent).</summary>
sealed class RunnerFlowDeployer(IRunnerClient runner) : IFlowDeployer
{
    public async Task<Result<Unit>> ImportAsync(Guid flowId, JsonObject flow, CancellationToken ct)
    {
        var imported = await runner.ImportFlowAsync(flowId, JsonSerializer.SerializeToElement(flow), ct);
        return imported.IsSuccess ? Unit.Value : imported.Error;
    }

    public Task<Result<Unit>> DeleteAsync(Guid flowId, CancellationToken ct) => runner.DeleteFlowAsync(flowId, ct);
}
