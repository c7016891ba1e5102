using System.Text.Json;
using Cmp.Primitives;
using Cmp.Runner.Client.Contracts;

namespace Cmp.Runner.Client;

/// <summary>
/// The CMP runner, as the gateway and the control plane use it. Expected failures come back as <see cref="Error"/>
/// values whose <see cref="ErrorKind"/> follows the runner's HTTP status (422 → Validation, 404 → NotFound,
/// 409 → Conflict, 502 → Upstream, 503 → Transient, 504 → Timeout, 500 → Permanent) and whose code is one of
/// <see cref="RunnerErrorCodes"/>. Exceptions mean bugs, or the caller's own cancellation.
/// </summary>
public interface IRunnerClient
{
    /// <summary>Runs a flow and waits for its reply. Never retried: a run is not idempotent.</summary>
    Task<Result<RunResult>> RunAsync(RunRequest request, CancellationToken ct = default);

    /// <summary>
    /// Runs a flow as a stream of tokens and messages that ends with exactly one <see cref="RunEndEvent"/> or
    /// <see cref="RunErrorEvent"/> (a failure before the stream starts is a single error event). Stop enumerating,
    /// or cancel <paramref name="ct"/>, to cancel the run upstream.
    /// </summary>
    IAsyncEnumerable<RunEvent> StreamAsync(RunRequest request, CancellationToken ct = default);

    /// <summary>Creates or updates the flow with this fixed id (idempotent). A name clash is a Conflict.</summary>
    Task<Result<ImportedFlow>> ImportFlowAsync(Guid flowId, JsonElement flow, CancellationToken ct = default);

    /// <summary>The flow as Langflow stores it, or NotFound.</summary>
    Task<Result<JsonElement>> GetFlowAsync(Guid flowId, CancellationToken ct = default);

    /// <summary>Deletes the flow; deleting a flow that does not exist succeeds too.</summary>
    Task<Result<Unit>> DeleteFlowAsync(Guid flowId, CancellationToken ct = default);
}

/// <summary>The outcome of an import: whether the flow was new, and the flow as Langflow stored it.</summary>
public sealed record ImportedFlow(bool Created, JsonElement Flow);
