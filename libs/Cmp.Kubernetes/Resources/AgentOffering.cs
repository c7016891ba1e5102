using System.Text.RegularExpressions;
using Cmp.Kubernetes.Model;
using Cmp.Kubernetes.Operator;
using Cmp.Primitives;

namespace Cmp.Kubernetes.Resources;

/// <summary><c>cmp.dev/v1alpha1</c> AgentOffering: an agent plan or credit pack sold through Saleor.</summary>
public sealed class AgentOffering : KubeObject<AgentOfferingSpec, AgentOfferingStatus>, IKubeResource
{
    public static ResourceType Resource { get; } = new(CmpApi.Group, CmpApi.Version, "agentofferings", "AgentOffering");
}

public static class OfferingKinds
{
    public const string Agent = "agent";
    public const string Credits = "credits";
}

public sealed partial class AgentOfferingSpec : ISelfValidating
{
    public string Sku { get; set; } = "";

    /// <summary><see cref="OfferingKinds.Agent"/> or <see cref="OfferingKinds.Credits"/>.</summary>
    public string Kind { get; set; } = "";

    public string DisplayName { get; set; } = "";
    public string? Description { get; set; }
    public OfferingPrice Price { get; set; } = new();
    public FlowTemplateRef? FlowTemplate { get; set; }
    public long? CreditsPerUnit { get; set; }
    public long? CreditsPerRun { get; set; }
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The CRD's schema and CEL rules, in C#: the API server enforces them in a cluster; the file-backed source (no
    /// API server) calls this so both modes accept exactly the same offerings.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!SkuPattern().IsMatch(Sku)) problems.Add($"spec.sku: '{Sku}' must match ^[A-Z0-9][A-Z0-9-]{{1,62}}$");
        if (Kind is not (OfferingKinds.Agent or OfferingKinds.Credits)) problems.Add($"spec.kind: '{Kind}' must be agent or credits");
        if (DisplayName.Length is 0 or > 200) problems.Add("spec.displayName: 1 to 200 characters");
        if (Description?.Length > 2000) problems.Add("spec.description: at most 2000 characters");
        if (!AmountPattern().IsMatch(Price.Amount)) problems.Add($"spec.price.amount: '{Price.Amount}' must be a decimal like 19.99");
        if (!Money.IsCurrencyCode(Price.Currency)) problems.Add($"spec.price.currency: '{Price.Currency}' must be an ISO 4217 code");
        else if (ToMoney() is { IsSuccess: false } money) problems.Add($"spec.price: {money.Error.Message}");
        if (Kind == OfferingKinds.Agent && FlowTemplate is null) problems.Add("spec: an agent offering needs a flowTemplate");
        if (FlowTemplate is { } ft && !FlowNamePattern().IsMatch(ft.Name)) problems.Add($"spec.flowTemplate.name: '{ft.Name}' must be a DNS label");
        if (Kind == OfferingKinds.Credits && CreditsPerUnit is not > 0) problems.Add("spec: a credits offering needs creditsPerUnit > 0");
        if (CreditsPerUnit < 0) problems.Add("spec.creditsPerUnit: must be >= 0");
        if (CreditsPerRun < 0) problems.Add("spec.creditsPerRun: must be >= 0");
        return problems;
    }

    /// <summary>The price in integer minor units (19.99 USD → 1999 USD).</summary>
    public Result<Money> ToMoney() =>
        decimal.TryParse(Price.Amount, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var amount)
            ? Money.FromMajor(amount, Price.Currency)
            : Error.Validation("invalid_amount", $"'{Price.Amount}' is not a decimal amount.");

    [GeneratedRegex("^[A-Z0-9][A-Z0-9-]{1,62}$")]
    private static partial Regex SkuPattern();

    [GeneratedRegex(@"^(0|[1-9][0-9]{0,9})(\.[0-9]{1,3})?$")]
    private static partial Regex AmountPattern();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex FlowNamePattern();
}

public sealed class OfferingPrice
{
    /// <summary>Decimal major units as a string ("19.99"): no floats in the API.</summary>
    public string Amount { get; set; } = "";

    public string Currency { get; set; } = "";
}

public sealed class FlowTemplateRef
{
    public string Name { get; set; } = "";
    public string? Version { get; set; }
}

public sealed class AgentOfferingStatus
{
    public long? ObservedGeneration { get; set; }

    /// <summary>Pending, Ready, Disabled, Failed, Terminating.</summary>
    public string? Phase { get; set; }

    public string? SaleorProductId { get; set; }
    public string? SaleorVariantId { get; set; }
    public List<Condition>? Conditions { get; set; }
}
