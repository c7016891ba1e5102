using System.Globalization;
using Cmp.Kubernetes.Resources;
using Cmp.Primitives;
using Cmp.Saleor.Catalog;

namespace Cmp.ControlPlane.Operator.Offerings;

/// <summary>
/// An AgentOffering's spec in the two shapes it is converged into: the control plane's <see cref="OfferingSpec"/> and
/// Saleor's <see cref="ProductSpec"/>. Pure, so the demo catalog test can check that the YAML and the installer's
/// demo catalog produce the same products.
/// </summary>
public static class OfferingMapping
{
    /// <summary>Agents priced by tokens: credits per 1,000 tokens (written only when token pricing is on).</summary>
    public const string CreditsPer1kTokensKey = "cmp.credits_per_1k_tokens";

    /// <summary>Agents priced by tokens: the most one run costs.</summary>
    public const string MaxCreditsPerRunKey = "cmp.max_credits_per_run";

    public static Result<OfferingSpec> ToOfferingSpec(AgentOfferingSpec spec)
    {
        var price = spec.ToMoney();
        if (!price.IsSuccess) return price.Error;
        var agent = spec.Kind == OfferingKinds.Agent;
        return new OfferingSpec(spec.Kind, spec.DisplayName, price.Value.Minor, price.Value.Currency,
            FlowTemplate: agent ? spec.FlowTemplate?.Name : null,
            CreditsPerUnit: spec.CreditsPerUnit ?? 0,
            CreditsPerRun: agent ? spec.CreditsPerRun ?? 0 : 0,
            CreditsPer1kTokens: agent ? spec.CreditsPer1kTokens ?? 0 : 0,
            MaxCreditsPerRun: agent ? spec.MaxCreditsPerRun ?? 0 : 0,
            Enabled: spec.Enabled);
    }

    /// <summary>
    /// The Saleor product: metadata carries what storefronts, AI agents and the provisioner read (flow template and
    /// run price for agents, credits for packs, the ACP flags), in the same keys the installer's catalog file uses.
    /// </summary>
    public static Result<ProductSpec> ToProductSpec(AgentOfferingSpec spec)
    {
        var price = spec.ToMoney();
        if (!price.IsSuccess) return price.Error;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var agent = spec.Kind == OfferingKinds.Agent;
        if (agent)
        {
            metadata[CatalogMetadata.FlowTemplate] = spec.FlowTemplate?.Name ?? "";
            metadata[CatalogMetadata.CreditsPerRun] = Number(spec.CreditsPerRun ?? 0);
            if (spec.CreditsPer1kTokens is > 0)
            {
                metadata[CreditsPer1kTokensKey] = Number(spec.CreditsPer1kTokens.Value);
                metadata[MaxCreditsPerRunKey] = Number(spec.MaxCreditsPerRun ?? 0);
            }
        }
        // Agents: credits included with each instance, only when there are some (the demo plans include none).
        if (!agent || spec.CreditsPerUnit is > 0) metadata[CatalogMetadata.Credits] = Number(spec.CreditsPerUnit ?? 0);
        var acp = spec.AgenticCommerce ?? new AgenticCommerce();
        metadata[CatalogMetadata.AcpEnableSearch] = acp.EnableSearch ? "true" : "false";
        metadata[CatalogMetadata.AcpEnableCheckout] = acp.EnableCheckout && acp.EnableSearch ? "true" : "false";
        return new ProductSpec
        {
            Sku = spec.Sku,
            Name = spec.DisplayName,
            Slug = spec.ProductSlug(),
            Kind = agent ? ProductKind.Agent : ProductKind.Credits,
            Description = spec.Description ?? "",
            Price = price.Value,
            Metadata = metadata,
            Shippable = false,
        };
    }

    static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);
}
