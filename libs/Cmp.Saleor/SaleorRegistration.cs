using Cmp.Hosting.Configuration;
using Cmp.Hosting.Health;
using Cmp.Hosting.Http;
using Cmp.Saleor.Catalog;
using Cmp.Saleor.Client;
using Cmp.Saleor.GraphQL;
using Cmp.Saleor.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cmp.Saleor;

/// <summary>Dependency injection for everything in Cmp.Saleor. Each Add* is safe to call more than once.</summary>
public static class SaleorRegistration
{
    /// <summary>Named HttpClient (and <c>Http:</c> section) of GraphQL calls.</summary>
    public const string HttpClientName = "saleor";

    /// <summary>Named HttpClient (and <c>Http:</c> section) of JWKS fetches.</summary>
    public const string JwksClientName = "saleor-jwks";

    /// <summary><see cref="ISaleorClient"/> configured from <c>Saleor</c> (ApiUrl, AppToken) and <c>Http:saleor</c>.</summary>
    public static IServiceCollection AddSaleorClient(this IServiceCollection services, IConfiguration config)
    {
        AddOptions(services, config);
        if (services.Any(d => d.ServiceType == typeof(ISaleorClient))) return services;
        services.AddCmpHttpClient(config, HttpClientName).ConfigurePrimaryHttpMessageHandler(PrimaryHandler);
        services.TryAddSingleton(SaleorOperations.Default);
        services.AddSingleton<ISaleorClient>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<SaleorOptions>>().Value;
            var clients = sp.GetRequiredService<IHttpClientFactory>();
            return new SaleorClient(() => clients.CreateClient(HttpClientName), o.ApiUrl!, o.AppToken,
                sp.GetRequiredService<SaleorOperations>(), sp.GetRequiredService<ILogger<SaleorClient>>());
        });
        return services;
    }

    /// <summary>
    /// A readiness check (tag <c>ready</c>) on Saleor and the app token. Think before adding it to a service that must
    /// keep accepting webhooks while Saleor's API is down; <paramref name="failureStatus"/> Degraded reports without
    /// failing readiness.
    /// </summary>
    public static IHealthChecksBuilder AddSaleorReadiness(this IHealthChecksBuilder builder, bool requireAppToken = true,
        HealthStatus failureStatus = HealthStatus.Unhealthy) =>
        builder.Add(new HealthCheckRegistration("saleor",
            sp => new SaleorReadinessCheck(sp.GetRequiredService<ISaleorClient>(), sp.GetRequiredService<IOptions<SaleorOptions>>(), requireAppToken),
            failureStatus, [HealthEndpoints.ReadyTag], TimeSpan.FromSeconds(5)));

    /// <summary><see cref="SaleorWebhookVerifier"/> (JWS against the configured Saleor's JWKS, or legacy HMAC).</summary>
    public static IServiceCollection AddSaleorWebhookVerification(this IServiceCollection services, IConfiguration config)
    {
        AddOptions(services, config);
        if (services.Any(d => d.ServiceType == typeof(SaleorWebhookVerifier))) return services;
        services.AddCmpHttpClient(config, JwksClientName).ConfigurePrimaryHttpMessageHandler(PrimaryHandler);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ISaleorSigningKeys>(sp => new SaleorJwks(
            () => sp.GetRequiredService<IHttpClientFactory>().CreateClient(JwksClientName),
            sp.GetRequiredService<IOptions<SaleorOptions>>().Value, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<SaleorJwks>>()));
        services.AddSingleton<SaleorWebhookVerifier>();
        return services;
    }

    /// <summary><see cref="ISaleorCatalog"/> (needs <see cref="AddSaleorClient"/>; options from <c>Saleor:Catalog</c>).</summary>
    public static IServiceCollection AddSaleorCatalog(this IServiceCollection services, IConfiguration config)
    {
        services.AddSaleorClient(config);
        services.AddValidatedOptions<CatalogOptions>(config, CatalogOptions.Section);
        services.TryAddSingleton<ISaleorCatalog>(sp => new SaleorCatalog(sp.GetRequiredService<ISaleorClient>(),
            sp.GetRequiredService<IOptions<CatalogOptions>>().Value, sp.GetRequiredService<ILogger<SaleorCatalog>>()));
        return services;
    }

    /// <summary>Binds and validates <see cref="SaleorOptions"/> once, however many Add* calls need them (twice would
    /// report every configuration problem twice).</summary>
    static void AddOptions(IServiceCollection services, IConfiguration config)
    {
        if (services.Any(d => d.ServiceType == typeof(OptionsMarker))) return;
        services.AddSingleton<OptionsMarker>();
        services.AddValidatedOptions<SaleorOptions>(config, SaleorOptions.Section)
            .Validate(o => o.ApiUrl is not null, "Saleor:ApiUrl is required (e.g. https://shop.example.com/graphql/).");
    }

    sealed class OptionsMarker;

    /// <summary>Redirects are never followed: Saleor answers <c>/graphql</c> with a 301 that would turn a POST into
    /// a GET, and signing keys must come from the configured origin only.</summary>
    internal static HttpMessageHandler PrimaryHandler() => new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectTimeout = TimeSpan.FromSeconds(5),
    };
}
