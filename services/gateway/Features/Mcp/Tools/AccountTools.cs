using System.ComponentModel;
using Cmp.ControlPlane.Client;
using Cmp.Primitives;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace Cmp.Gateway.Features.Mcp.Tools;

/// <summary>The buyer's account in the control plane: the agents their purchases provisioned, and their credits. Calls
/// are made with the buyer's own token, so the control plane decides what they may see.</summary>
[McpServerToolType]
public sealed class AccountTools
{
    [McpServerTool(Name = "list_my_agents", Title = "My AI agents", ReadOnly = true, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("The AI agent instances the signed-in buyer owns (one per agent plan bought), with their status: Provisioning, Ready, Suspended or Failed. Use an instance_id with run_agent.")]
    public static async Task<AgentsResult> ListMyAgents(IControlPlaneClient controlPlane, McpContext mcp, CancellationToken ct = default)
    {
        var token = mcp.UserToken();
        var tenant = await controlPlane.GetMyTenantAsync(token, ct);
        if (!tenant.TryGetValue(out var t, out var error))
        {
            if (error.Kind == ErrorKind.NotFound)
                return new AgentsResult(null, [], "You have no account yet: it is created with your first purchase (search_catalog, then create_checkout).");
            throw McpContext.Fail(error);
        }
        var instances = await controlPlane.ListTenantInstancesAsync(t.Id, token, ct);
        if (!instances.TryGetValue(out var list, out var listError)) throw McpContext.Fail(listError);
        return new AgentsResult(t.Id, list.Where(i => i.Status != "Deleted").OrderByDescending(i => i.CreatedAt)
            .Select(i => new AgentOut(i.Id, i.OfferingSku, i.Status, i.StatusReason, i.Pricing?.CreditsPerRun, i.CreatedAt)).ToArray(),
            list.Count == 0 ? "No agents yet. A purchase of an agent plan is provisioned within moments of payment." : null);
    }

    [McpServerTool(Name = "get_credit_balance", Title = "My credits", ReadOnly = true, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("The signed-in buyer's credits: balance, reserved by runs in progress, and available. Runs of agents spend credits; credit packs (e.g. CREDITS-500) add them.")]
    public static async Task<CreditBalanceOut> GetCreditBalance(IControlPlaneClient controlPlane, McpContext mcp, CancellationToken ct = default)
    {
        var tenant = await controlPlane.GetMyTenantAsync(mcp.UserToken(), ct);
        if (!tenant.TryGetValue(out var t, out var error))
            throw error.Kind == ErrorKind.NotFound
                ? new McpException("You have no account yet, so no credits: buy an agent plan or a credit pack first.")
                : McpContext.Fail(error);
        var credits = await controlPlane.GetCreditsAsync(t.Id, ct);
        if (!credits.TryGetValue(out var c, out var creditsError)) throw McpContext.Fail(creditsError);
        return new CreditBalanceOut(c.TenantId, c.Balance, c.Reserved, c.Available);
    }
}
