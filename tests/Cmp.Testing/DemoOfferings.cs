using Cmp.ControlPlane.Contracts;

namespace Cmp.Testing;

/// <summary>The control-plane offerings that match Saleor's demo catalog (services/provisioner/…/demo-catalog.json):
/// agent plans (no credits included; each run costs credits) and credit packs.</summary>
public static class DemoOfferings
{
    /// <summary>Creates or replaces every demo offering through the control plane's admin API (idempotent).</summary>
    public static async Task DeclareAsync(HttpClient admin, CancellationToken ct = default)
    {
        foreach (var (sku, spec) in All)
        {
            using var r = await System.Net.Http.Json.HttpClientJsonExtensions.PutAsJsonAsync(admin, $"/v1/offerings/{sku}", spec, Cmp.Hosting.CmpDefaults.Json, ct);
            if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"offering {sku}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync(ct)}");
        }
    }

    public static readonly IReadOnlyDictionary<string, OfferingSpec> All = new Dictionary<string, OfferingSpec>
    {
        ["CSA-BASIC"] = new("agent", "Customer Support Agent Basic", 1999, "USD", "customer-support-agent", CreditsPerRun: 1),
        ["CSA-PRO"] = new("agent", "Customer Support Agent Pro", 4999, "USD", "customer-support-agent", CreditsPerRun: 1),
        ["KBA-BASIC"] = new("agent", "Knowledge Base Agent Basic", 2999, "USD", "knowledge-base-agent", CreditsPerRun: 2),
        ["KBA-PRO"] = new("agent", "Knowledge Base Agent Pro", 7999, "USD", "knowledge-base-agent", CreditsPerRun: 2),
        ["CREDITS-100"] = new("credits", "100 credits", 1000, "USD", CreditsPerUnit: 100),
        ["CREDITS-500"] = new("credits", "500 credits", 4000, "USD", CreditsPerUnit: 500),
    };
}
