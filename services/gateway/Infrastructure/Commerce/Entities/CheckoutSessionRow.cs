namespace Cmp.Gateway.Infrastructure.Commerce.Entities;

/// <summary>
/// An ACP checkout session: the link to its Saleor checkout plus what Saleor cannot hold (who owns the session, the API
/// version it speaks, buyer names, the total last shown, 3-D Secure state, the order it became). Lines, addresses,
/// delivery and totals live in Saleor and are read from there on every request.
/// </summary>
public sealed class CheckoutSessionRow
{
    public string Id { get; set; } = "";
    /// <summary><c>platform:&lt;id&gt;</c> (an agent platform's API key) or <c>user:&lt;sub&gt;</c> (a buyer over MCP).</summary>
    public string Owner { get; set; } = "";
    public string ApiVersion { get; set; } = "";
    public string SaleorCheckoutId { get; set; } = "";
    public string Channel { get; set; } = "";
    public string Currency { get; set; } = "";
    public string Status { get; set; } = SessionRowStatus.Open;
    /// <summary>JSON: first/last/full name and phone of the buyer (the e-mail is Saleor's).</summary>
    public string? Buyer { get; set; }
    /// <summary>JSON: the agent's declared interventions (v2026-04-17 capability negotiation).</summary>
    public string? AgentCapabilities { get; set; }
    public string? Locale { get; set; }
    /// <summary>The total (minor units) of the last session this API returned: completing never charges another amount
    /// without showing it first.</summary>
    public long? LastQuotedTotal { get; set; }
    /// <summary>JSON: the pending 3-D Secure authentication (metadata shown to the agent).</summary>
    public string? Authentication { get; set; }
    public string? OrderId { get; set; }
    public string? OrderNumber { get; set; }
    /// <summary>JSON: the session as it was when it became terminal (Saleor deletes a checkout once it is an order).</summary>
    public string? Snapshot { get; set; }
    /// <summary>Last order status sent to the platform in an order event.</summary>
    public string? OrderStatus { get; set; }
    /// <summary>When the order-status watcher looks at this order next (null: not watched).</summary>
    public DateTimeOffset? NextOrderCheckAt { get; set; }
    /// <summary>Lease of the complete in progress: another complete waits until it is released or expires.</summary>
    public DateTimeOffset? CompletingUntil { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public uint Version { get; set; }
}

public static class SessionRowStatus
{
    public const string Open = "open";
    public const string AuthenticationRequired = "authentication_required";
    public const string Completed = "completed";
    public const string Canceled = "canceled";

    public static readonly string[] All = [Open, AuthenticationRequired, Completed, Canceled];
    public static bool IsTerminal(string status) => status is Completed or Canceled;
}
