namespace Cmp.ControlPlane.Domain;

public enum OfferingKind
{
    /// <summary>An agent plan: each unit bought becomes one agent instance.</summary>
    Agent,
    /// <summary>A credit pack: each unit bought grants credits.</summary>
    Credits,
}

/// <summary>What CMP sells, keyed by the Saleor variant SKU (e.g. CSA-PRO, CREDITS-500).</summary>
public sealed class Offering
{
    public required string Sku { get; set; }
    public OfferingKind Kind { get; set; }
    public required string DisplayName { get; set; }
    /// <summary>Price in minor units of <see cref="Currency"/>, as listed in Saleor.</summary>
    public long PriceMinor { get; set; }
    public required string Currency { get; set; }
    /// <summary>Agent plans: the Langflow flow template every instance is created from.</summary>
    public string? FlowTemplate { get; set; }
    /// <summary>Agent plans: credits granted with each instance. Credit packs: credits per unit bought.</summary>
    public long CreditsPerUnit { get; set; }
    /// <summary>Agent plans: the price rule of one run (see <see cref="RunPricing"/>).</summary>
    public long CreditsPerRun { get; set; }
    public long CreditsPer1kTokens { get; set; }
    public long MaxCreditsPerRun { get; set; }
    public bool Enabled { get; set; } = true;
    /// <summary>Where the offering is managed: "api", or "kubernetes" when an AgentOffering resource owns it.</summary>
    public string ManagedBy { get; set; } = "api";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public RunPricing Pricing => new(CreditsPerRun, CreditsPer1kTokens, MaxCreditsPerRun);
}
