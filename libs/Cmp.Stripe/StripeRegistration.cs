using Cmp.Hosting.Configuration;
using Cmp.Hosting.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace Cmp.Stripe;

public static class StripeRegistration
{
    /// <summary>Named HttpClient (and <c>Http:</c> section) of Stripe calls.</summary>
    public const string HttpClientName = "stripe";

    /// <summary><see cref="IStripeClient"/> from <c>Stripe</c> (ApiBase, SecretKey, ApiVersion) and <c>Http:stripe</c>.</summary>
    public static IServiceCollection AddStripeClient(this IServiceCollection services, IConfiguration config)
    {
        if (services.Any(d => d.ServiceType == typeof(IStripeClient))) return services;
        services.AddValidatedOptions<StripeOptions>(config, StripeOptions.Section)
            .Validate(o => o.SecretKey.Length > 0, "Stripe:SecretKey is required when the Stripe payment provider is enabled.");
        // Stripe's SDKs wait at most a few seconds between attempts; configuration may still say otherwise.
        services.AddOptions<HttpResilienceOptions>(HttpClientName).Configure(o => o.MaxDelay = TimeSpan.FromSeconds(5)).Bind(config.GetSection($"Http:{HttpClientName}")).ValidateDataAnnotations().ValidateOnStart();
        services.AddKeyedSingleton(HttpClientName, (sp, _) =>
            StripeResilience.Create(sp.GetRequiredService<IOptionsMonitor<HttpResilienceOptions>>().Get(HttpClientName)));
        services.AddHttpClient(HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .AddHttpMessageHandler(() => new CorrelationIdHandler())
            .AddHttpMessageHandler(sp => new ResilienceHandler(sp.GetRequiredKeyedService<ResiliencePipeline<HttpResponseMessage>>(HttpClientName)));
        services.AddSingleton<IStripeClient>(sp => new StripeClient(
            () => sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            sp.GetRequiredService<IOptions<StripeOptions>>().Value,
            sp.GetRequiredService<ILogger<StripeClient>>()));
        return services;
    }
}
