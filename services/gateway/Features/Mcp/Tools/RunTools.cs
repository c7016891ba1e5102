using System.ComponentModel;
using System.Security.Claims;
using Cmp.Gateway.Auth;
using Cmp.Gateway.Features.Runs;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace Cmp.Gateway.Features.Mcp.Tools;

/// <summary>
/// Running the buyer's agents through the gateway's metered run service (<see cref="IAgentRuns"/>), the same one
/// behind <c>POST /v1/runs</c>: ownership and readiness checks, rate limits, reserve → runner → commit/release, run
/// records. The tool adds nothing to the metering, so a run costs the same whichever door it came through.
/// </summary>
[McpServerToolType]
public sealed class RunTools
{
    [McpServerTool(Name = "run_agent", Title = "Run one of my agents", Destructive = false, Idempotent = false, OpenWorld = true, UseStructuredContent = true)]
    [Description("Run one of your AI agent instances (instance_id from list_my_agents; it must be Ready) on an input, spending credits. " +
                 "Returns the agent's answer, the credits charged and the balance after. Pass an idempotency_key to retry safely: " +
                 "a repeat with the same key returns the first run's answer and is never charged again.")]
    public static async Task<RunAgentOut> RunAgent(IAgentRuns runs, McpContext mcp, ClaimsPrincipal? user,
        [Description("The instance_id from list_my_agents.")] Guid instance_id,
        [Description("What to ask the agent.")] string input,
        [Description("Optional: continue a conversation; the session_id of an earlier run of this instance.")] string? session_id = null,
        [Description("Optional: a unique key for this run (e.g. a UUID); reuse it only to retry the same run.")] string? idempotency_key = null,
        CancellationToken ct = default)
    {
        if (user is null) throw new McpException("Not signed in: connect with a Keycloak access token.");
        // The run service looks the buyer's instances up in the control plane with the buyer's own token.
        var caller = RunCallers.From(user, mcp.UserToken());
        if (!caller.TryGetValue(out var c, out var callerError)) throw RunToolErrors.Fail(callerError);
        var request = new CreateRunRequest(instance_id, input, session_id, Stream: false) { IdempotencyKey = idempotency_key };
        var result = await runs.RunAsync(c, request, ct);
        if (!result.TryGetValue(out var run, out var error)) throw RunToolErrors.Fail(error);
        return new RunAgentOut(run.RunId, run.InstanceId, run.Status, run.Output, run.SessionId, run.Usage.CreditsCharged, run.Usage.BalanceAfter,
            run.Usage.InputTokens, run.Usage.OutputTokens, run.LatencyMs, run.Replayed);
    }
}
