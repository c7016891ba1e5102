using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Cmp.ControlPlane.Infrastructure.Flows;
using Cmp.Primitives;

namespace Cmp.Operator.Tests.Support;

/// <summary>Stands in for the runner-backed deployer: records which flows exist, so a test can see a flow go.</summary>
public sealed class RecordingFlowDeployer : IFlowDeployer
{
    public ConcurrentDictionary<Guid, JsonObject> Imported { get; } = new();
    public ConcurrentBag<Guid> Deleted { get; } = [];

    public Task<Result<Unit>> ImportAsync(Guid flowId, JsonObject flow, CancellationToken ct)
    {
        Imported[flowId] = flow;
        return Task.FromResult<Result<Unit>>(Unit.Value);
    }

    public Task<Result<Unit>> DeleteAsync(Guid flowId, CancellationToken ct)
    {
        Imported.TryRemove(flowId, out _);
        Deleted.Add(flowId);
        return Task.FromResult<Result<Unit>>(Unit.Value);
    }
}
