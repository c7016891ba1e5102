using System.Text.Json;
using Cmp.Primitives;
using Cmp.Runner.Client.Contracts;
using Cmp.Runner.Domain;

namespace Cmp.Runner.Infrastructure.Langflow;

/// <summary>The Langflow HTTP API, as much of it as the runner needs. Failures are <see cref="Error"/> values.</summary>
public interface ILangflowClient
{
    /// <summary><c>POST /api/v1/run/{flow}</c>, waiting for the whole result.</summary>
    Task<Result<RunResult>> RunAsync(LangflowRun run, CancellationToken ct);

    /// <summary><c>POST /api/v1/run/{flow}?stream=true</c>: the stream once Langflow accepted the run (200), or why not.</summary>
    Task<Result<LangflowRunStream>> OpenStreamAsync(LangflowRun run, CancellationToken ct);

    /// <summary><c>PUT /api/v1/flows/{id}</c>: create or update by fixed id.</summary>
    Task<Result<LangflowFlow>> PutFlowAsync(Guid id, JsonElement flow, CancellationToken ct);

    /// <summary><c>GET /api/v1/flows/{id}</c>.</summary>
    Task<Result<JsonElement>> GetFlowAsync(Guid id, CancellationToken ct);

    /// <summary><c>DELETE /api/v1/flows/{id}</c>; false when there was no such flow.</summary>
    Task<Result<bool>> DeleteFlowAsync(Guid id, CancellationToken ct);
}

/// <summary>A validated run, ready for Langflow.</summary>
public sealed record LangflowRun(FlowRef Flow, string Input, SessionId Session, JsonElement? Tweaks);

/// <summary>A flow as Langflow stored it, and whether the PUT created it (201) or updated it (200).</summary>
public sealed record LangflowFlow(bool Created, JsonElement Flow);
