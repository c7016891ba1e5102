using Cmp.Kubernetes.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cmp.Kubernetes.Config;

public static class KubernetesServiceCollectionExtensions
{
    public const string HttpClientName = "kubernetes";

    /// <summary>
    /// Registers <see cref="IKubeClient"/> configured from the <c>Kubernetes</c> section (in-cluster or kubeconfig).
    /// The connection is resolved on first use; a missing or broken configuration fails that use with a message
    /// naming what is wrong.
    /// </summary>
    public static IServiceCollection AddCmpKubernetesClient(this IServiceCollection services, IConfiguration config)
    {
        if (services.Any(d => d.ServiceType == typeof(IKubeClient))) return services;
        services.AddOptions<KubernetesOptions>().Bind(config.GetSection("Kubernetes"));
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<KubernetesOptions>>().Value;
            var resolved = KubeConnection.Resolve(o, sp.GetService<TimeProvider>());
            if (!resolved.IsSuccess) throw new InvalidOperationException($"Kubernetes is not configured: {resolved.Error.Message}");
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Cmp.Kubernetes")
                .LogInformation("Kubernetes API {Server} (namespace {Namespace}) from {Source}", resolved.Value.Server, resolved.Value.Namespace, resolved.Value.Source);
            return resolved.Value;
        });
        services.AddTransient(sp => new KubeAuthHandler(sp.GetRequiredService<KubeConnection>()));
        services.AddHttpClient(HttpClientName, (sp, c) => c.BaseAddress = sp.GetRequiredService<KubeConnection>().Server)
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<KubeConnection>().CreatePrimaryHandler())
            .AddHttpMessageHandler<KubeAuthHandler>();
        services.AddSingleton<IKubeClient>(sp => new KubeClient(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            sp.GetRequiredService<KubeConnection>().Namespace,
            sp.GetRequiredService<IOptions<KubernetesOptions>>().Value.ToSettings(),
            sp.GetRequiredService<ILogger<KubeClient>>()));
        return services;
    }

    /// <summary>A client for one connection without DI (tools, tests).</summary>
    public static KubeClient CreateClient(KubeConnection connection, KubeClientSettings? settings = null, ILogger<KubeClient>? log = null)
    {
        var handler = new KubeAuthHandler(connection) { InnerHandler = connection.CreatePrimaryHandler() };
        return new KubeClient(new HttpClient(handler) { BaseAddress = connection.Server }, connection.Namespace, settings, log);
    }
}
