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
    /// <summary>Agent plans: credits granted with each instance. Credit packs: credits per unit.</summary>
    public long CreditsPerUnit { get; set; }
    /// <summary>Agent plans: credits charged for one run.</summary>
    public long CreditsPerRun { get; set; }
    public bool Enabled { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
