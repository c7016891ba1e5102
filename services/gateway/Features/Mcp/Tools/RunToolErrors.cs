using System.Globalization;
using Cmp.Gateway.Features.Runs;
using Cmp.Primitives;
using ModelContextProtocol;

namespace Cmp.Gateway.Features.Mcp.Tools;

/// <summary>
/// The run service's errors as tool errors a model can act on. The HTTP API puts the details (balance, price, status,
/// retry_after) in problem+json members; an MCP tool error is text only, so they go into the sentence, followed by
/// what to do next and the stable code in brackets (as every other tool error here).
/// </summary>
static class RunToolErrors
{
    public static McpException Fail(Error e)
    {
        var text = e.Code switch
        {
            "instance_not_found" => $"{e.Message} Call list_my_agents for the instance_id of each agent you own.",
            "instance_not_ready" => $"{e.Message} (status: {Detail(e, "status")}). Call list_my_agents to see when it is Ready.",
            "insufficient_credits" => InsufficientCredits(e),
            "rate_limited" => $"{e.Message} Retry after {Detail(e, "retry_after")} s.",
            "run_in_progress" => "A run with this idempotency_key is still running; call again in a second with the same key to get its answer.",
            "idempotency_key_reused" => "This idempotency_key was already used for a different run; use a new key for a new run.",
            "forbidden" => "Runs need a buyer account (the tenant role) in your access token; sign in as the buyer who bought the agent.",
            _ when e.Kind is ErrorKind.Validation => e.Message,
            _ when e.Kind is ErrorKind.Transient or ErrorKind.Timeout =>
                $"{e.Message} This is temporary and nothing was charged: retry in a few seconds (with the same idempotency_key, if you sent one).",
            _ when e.Kind is ErrorKind.Upstream or ErrorKind.Permanent =>
                $"The agent's run failed upstream: {e.Message} Nothing was charged. If it persists, the agent's flow is broken; tell the buyer.",
            _ => e.Message,
        };
        var run = e.Details.TryGetValue("run_id", out var id) && id is not null ? $" (run_id {id})" : "";
        return new McpException($"{text}{run} [{e.Code}]");
    }

    static string InsufficientCredits(Error e)
    {
        var price = e.Details.TryGetValue("price", out var p) && p is PriceView v
            ? v.CreditsPer1kTokens > 0
                ? $"{v.CreditsPerRun} credits per run plus {v.CreditsPer1kTokens} per 1,000 tokens, at most {v.MaxCreditsPerRun} per run"
                : $"{v.CreditsPerRun} credits per run"
            : "unknown";
        return string.Create(CultureInfo.InvariantCulture,
            $"Not enough credits: this run sets aside {Detail(e, "required")} credits, you have {Detail(e, "available")} available " +
            $"(balance {Detail(e, "balance")}). Price: {price}. Nothing was charged. Buy a credit pack (search_catalog for credits, e.g. CREDITS-500) and run again.");
    }

    static string Detail(Error e, string key) =>
        e.Details.TryGetValue(key, out var v) && v is not null ? Convert.ToString(v, CultureInfo.InvariantCulture) ?? "?" : "?";
}
