using System.ComponentModel;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace Cmp.Gateway.Features.Mcp.Tools;

/// <summary>
/// Running the buyer's agents. UNFINISHED: this gateway build has no metered run service yet (<c>/v1/runs</c> and its
/// in-process <c>IAgentRuns</c> are being built alongside); the tool is listed so clients see the whole surface, and
/// answers with a tool error until the run service is merged and wired here.
/// </summary>
[McpServerToolType]
public sealed class RunTools
{
    [McpServerTool(Name = "run_agent", Title = "Run one of my agents", Destructive = false, Idempotent = false, OpenWorld = true, UseStructuredContent = false)]
    [Description("Run one of your AI agent instances (instance_id from list_my_agents) on an input, spending credits. Returns the agent's answer and the credits charged.")]
    public static string RunAgent(
        [Description("The instance_id from list_my_agents.")] Guid instance_id,
        [Description("What to ask the agent.")] string input) =>
        throw new McpException("run_agent is not available on this gateway yet: the metered run service is not deployed here. " +
                               "Use the gateway's POST /v1/runs with an instance API key meanwhile. [run_service_unavailable]");
}
