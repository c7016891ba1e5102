namespace Cmp.Saleor.Catalog;

/// <summary>
/// Product metadata keys CMP reads and writes (public metadata: the storefront, agents and webhooks see it).
/// Keys under <see cref="CmpPrefix"/> and <see cref="AcpPrefix"/> are owned by catalog sync.
/// </summary>
public static class CatalogMetadata
{
    public const string CmpPrefix = "cmp.";
    public const string AcpPrefix = "acp.";

    /// <summary><c>agent</c>, <c>credits</c> or <c>physical</c>; written from <see cref="ProductSpec.Kind"/>.</summary>
    public const string Kind = "cmp.kind";

    /// <summary>The SKU the product was synced for; written from <see cref="ProductSpec.Sku"/>.</summary>
    public const string Sku = "cmp.sku";

    /// <summary>Agents: the Langflow flow template an instance is created from.</summary>
    public const string FlowTemplate = "cmp.flow_template";

    /// <summary>Credit packs: credits granted per unit bought. Agents: credits included with each instance.</summary>
    public const string Credits = "cmp.credits";

    /// <summary>Agents: credits reserved and charged per run (the runner's real cost is committed).</summary>
    public const string CreditsPerRun = "cmp.credits_per_run";

    /// <summary><c>true</c>/<c>false</c>: AI agents may find the product through ACP/MCP search and the product feed.</summary>
    public const string AcpEnableSearch = "acp.enable_search";

    /// <summary><c>true</c>/<c>false</c>: AI agents may buy the product through ACP checkout.</summary>
    public const string AcpEnableCheckout = "acp.enable_checkout";

    public static bool IsManaged(string key) =>
        key.StartsWith(CmpPrefix, StringComparison.Ordinal) || key.StartsWith(AcpPrefix, StringComparison.Ordinal);
}
