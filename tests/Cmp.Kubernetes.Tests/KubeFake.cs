using Cmp.Kubernetes.Client;
using Cmp.Kubernetes.Config;
using Cmp.Kubernetes.Model;
using Cmp.Kubernetes.Resources;
using Cmp.Simulators.KubeApi;
using Cmp.Testing;

namespace Cmp.Kubernetes.Tests;

/// <summary>The fake API server serving CMP's real CRDs (charts/cmp/files/crds), and clients for it.</summary>
public static class KubeFake
{
    public static string CrdDirectory => Path.Combine(RepoPaths.Root, "charts", "cmp", "files", "crds");

    public static Task<KubeApiServer> StartAsync(KubeApiServerOptions? options = null) =>
        KubeApiServer.StartAsync(new KubeApiServerOptions
        {
            Crds = [CrdDirectory, .. options?.Crds ?? []],
            Tls = options?.Tls ?? false,
            Token = options?.Token,
            HistoryLimit = options?.HistoryLimit ?? 1000,
            BookmarkInterval = options?.BookmarkInterval ?? TimeSpan.FromSeconds(30),
        });

    public static KubeClient Client(KubeApiServer server, string ns = "default", KubeClientSettings? settings = null, HttpMessageHandler? handler = null)
    {
        var connection = new KubeConnection { Server = server.Url, Namespace = ns };
        if (handler is null) return KubernetesServiceCollectionExtensions.CreateClient(connection, settings);
        return new KubeClient(new HttpClient(handler) { BaseAddress = server.Url }, ns, settings);
    }

    public static AgentOffering Offering(string name, string sku = "CSA-PRO", string amount = "49.99") => new()
    {
        Metadata = new ObjectMeta { Name = name },
        Spec = new AgentOfferingSpec
        {
            Sku = sku,
            Kind = OfferingKinds.Agent,
            DisplayName = "Customer support agent (Pro)",
            Price = new OfferingPrice { Amount = amount, Currency = "USD" },
            FlowTemplate = new FlowTemplateRef { Name = "customer-support" },
            CreditsPerRun = 1,
        },
    };

    public static T Ok<T>(this Cmp.Primitives.Result<T> result)
    {
        result.IsSuccess.Should().BeTrue($"the call should succeed, but failed with {result.Error}");
        return result.Value;
    }

    public static Cmp.Primitives.Error Fails<T>(this Cmp.Primitives.Result<T> result, string code)
    {
        result.IsSuccess.Should().BeFalse($"the call should fail with {code}");
        result.Error!.Code.Should().Be(code, result.Error.Message);
        return result.Error;
    }
}
