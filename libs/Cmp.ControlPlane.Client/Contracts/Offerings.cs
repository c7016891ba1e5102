using System.Text.Json.Serialization;

namespace Cmp.ControlPlane.Contracts;

public sealed record OfferingView(string Sku, string Kind, string DisplayName, long PriceMinor, string Currency, string? FlowTemplate,
    long CreditsPerUnit, long CreditsPerRun, [property: JsonPropertyName("credits_per_1k_tokens")] long CreditsPer1kTokens,
    long MaxCreditsPerRun, bool Enabled, string ManagedBy, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>The desired state of an offering, from the API or an AgentOffering resource. <c>kind</c>: agent | credits.</summary>
public sealed record OfferingSpec(string Kind, string DisplayName, long PriceMinor, string Currency, string? FlowTemplate = null,
    long CreditsPerUnit = 0, long CreditsPerRun = 0, [property: JsonPropertyName("credits_per_1k_tokens")] long CreditsPer1kTokens = 0,
    long MaxCreditsPerRun = 0, bool Enabled = true);
