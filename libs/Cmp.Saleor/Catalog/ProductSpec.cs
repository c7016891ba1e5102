using System.Globalization;
using Cmp.Primitives;

namespace Cmp.Saleor.Catalog;

/// <summary>What an offering is sold as.</summary>
public enum ProductKind
{
    /// <summary>An AI agent plan: each unit bought becomes one agent instance (digital, no shipping).</summary>
    Agent,
    /// <summary>A credit pack: credits granted to the buyer (digital, no shipping).</summary>
    Credits,
    /// <summary>A physical good, shipped to the buyer.</summary>
    Physical,
}

/// <summary>A weight in integer grams (like money in minor units: no floating point in specs).</summary>
public readonly record struct Weight(long Grams)
{
    public static Weight FromKilograms(decimal kg) => new((long)Math.Round(kg * 1000m, MidpointRounding.AwayFromZero));

    public decimal Kilograms => Grams / 1000m;

    public override string ToString() => Kilograms.ToString("0.###", CultureInfo.InvariantCulture) + " kg";
}

/// <summary>
/// One sellable offering, transport-neutral: the installer reads it from a data file, the Kubernetes operator from an
/// AgentOffering resource, and <see cref="ISaleorCatalog.EnsureProductAsync"/> makes Saleor match it (one product
/// with one variant, keyed by <see cref="Sku"/>).
/// </summary>
public sealed record ProductSpec
{
    /// <summary>Stable key (variant SKU), e.g. <c>CSA-PRO</c>. Orders keep it as a snapshot even if the variant goes.</summary>
    public required string Sku { get; init; }

    public required string Name { get; init; }

    /// <summary>URL slug of the product, lowercase letters, digits and dashes.</summary>
    public required string Slug { get; init; }

    public required ProductKind Kind { get; init; }

    /// <summary>Plain text; paragraphs separated by blank lines. Stored in Saleor as EditorJS JSON.</summary>
    public string Description { get; init; } = "";

    /// <summary>Price in the channel's currency.</summary>
    public required Money Price { get; init; }

    /// <summary>Public product metadata (e.g. <c>cmp.flow_template</c>, <c>cmp.credits</c>, <c>acp.enable_checkout</c>).
    /// Keys under <c>cmp.</c> and <c>acp.</c> are owned by CMP: one missing here is removed from Saleor.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>Needs a shipping address and method at checkout. Only physical products are shippable.</summary>
    public bool Shippable { get; init; }

    /// <summary>Shipping weight (physical products only).</summary>
    public Weight? Weight { get; init; }

    /// <summary>Stock placed in the warehouse when the variant's stock row is first created (physical products;
    /// defaults to <see cref="CatalogOptions.DefaultPhysicalStock"/>). Existing stock is never overwritten: it is
    /// operational data. Digital variants are untracked and get a large constant row so Saleor reports them available.</summary>
    public int? InitialStock { get; init; }
}
