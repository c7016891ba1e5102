using System.Net.Http.Json;
using Cmp.ControlPlane.Contracts;
using Cmp.Kubernetes.Model;
using Cmp.Kubernetes.Operator;
using Cmp.Kubernetes.Resources;

namespace Cmp.Testing;

/// <summary>
/// The demo offerings, read from the one place they are declared: the AgentOffering objects in
/// argocd/offerings/demo-catalog.yaml (what Argo CD syncs, and what the operator reads in file mode for <c>make dev</c>).
/// Agent plans include no credits (each run costs credits from a pack); credit packs grant theirs.
/// </summary>
public static class DemoOfferings
{
    public static string YamlPath => Path.Combine(RepoPaths.Root, "argocd", "offerings", "demo-catalog.yaml");

    static readonly Lazy<IReadOnlyList<AgentOffering>> Loaded = new(() => Read(File.ReadAllText(YamlPath)));

    /// <summary>The AgentOffering objects, in file order.</summary>
    public static IReadOnlyList<AgentOffering> Objects => Loaded.Value;

    /// <summary>The same offerings as the control plane's admin API takes them, by SKU.</summary>
    public static IReadOnlyDictionary<string, OfferingSpec> All => Objects.ToDictionary(o => o.Spec.Sku, o => ToOfferingSpec(o.Spec));

    /// <summary>Creates or replaces every demo offering through the control plane's admin API (idempotent), for hosts
    /// that run the control plane without its operator.</summary>
    public static async Task DeclareAsync(HttpClient admin, CancellationToken ct = default)
    {
        foreach (var (sku, spec) in All)
        {
            using var r = await admin.PutAsJsonAsync($"/v1/offerings/{sku}", spec, Cmp.Hosting.CmpDefaults.Json, ct);
            if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"offering {sku}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync(ct)}");
        }
    }

    /// <summary>Waits until the control plane sells every demo offering (its operator in file mode declares them).</summary>
    public static Task WaitDeclaredAsync(HttpClient admin, TimeSpan timeout, CancellationToken ct = default) =>
        Poller.UntilAsync(async () =>
        {
            foreach (var sku in All.Keys)
            {
                using var r = await admin.GetAsync($"/v1/offerings/{sku}", ct);
                if (!r.IsSuccessStatusCode) return false;
            }
            return true;
        }, "the control plane's operator to declare the demo offerings from " + YamlPath, timeout);

    static List<AgentOffering> Read(string yaml)
    {
        var objects = new List<AgentOffering>();
        foreach (var (index, node) in YamlDocuments.Read(yaml))
        {
            var o = KubeJson.FromNode<AgentOffering>(node);
            var problems = o.Spec.Validate();
            if (problems.Count > 0) throw new InvalidDataException($"{YamlPath} document {index}: {string.Join("; ", problems)}");
            objects.Add(o);
        }
        return objects;
    }

    /// <summary>What the operator stores for a spec (services/control-plane/Operator/Offerings/OfferingMapping.cs; a
    /// test in Cmp.Operator.Tests keeps the two equal).</summary>
    static OfferingSpec ToOfferingSpec(AgentOfferingSpec s)
    {
        var price = s.ToMoney().Value;
        var agent = s.Kind == OfferingKinds.Agent;
        return new OfferingSpec(s.Kind, s.DisplayName, price.Minor, price.Currency,
            FlowTemplate: agent ? s.FlowTemplate?.Name : null,
            CreditsPerUnit: s.CreditsPerUnit ?? 0,
            CreditsPerRun: agent ? s.CreditsPerRun ?? 0 : 0,
            CreditsPer1kTokens: agent ? s.CreditsPer1kTokens ?? 0 : 0,
            MaxCreditsPerRun: agent ? s.MaxCreditsPerRun ?? 0 : 0,
            Enabled: s.Enabled);
    }
}
