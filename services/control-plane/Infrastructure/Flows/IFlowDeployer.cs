using System.Text.Json.Nodes;
using Cmp.Primitives;

namespace Cmp.ControlPlane.Infrastructure.Flows;

/// <summary>Puts an instance's flow into Langflow and takes it out again (through the runner). Both are idempotent.</summary>
public interface IFlowDeployer
{
    Task<Result<Unit>> ImportAsync(Guid flowId, JsonObject flow, CancellationToken ct);
    Task<Result<Unit>> DeleteAsync(Guid flowId, CancellationToken ct);
}
