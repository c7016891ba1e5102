using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Polly;

namespace Cmp.Hosting.Http;

public static class HttpClientExtensions
{
    /// <summary>
    /// A named HttpClient for a dependency, configured from <c>Http:&lt;name&gt;</c> (base address, timeouts, retries,
    /// breaker), with the correlation id forwarded and every call going through the resilience pipeline.
    /// HttpClient's own timeout is infinite: the pipeline's timeouts rule.
    /// </summary>
    public static IHttpClientBuilder AddCmpHttpClient(this IServiceCollection services, IConfiguration config, string name)
    {
        services.AddOptions<HttpResilienceOptions>(name)
            .Bind(config.GetSection($"Http:{name}"))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddKeyedSingleton(name, (sp, _) =>
            ResiliencePipelines.Create(name, sp.GetRequiredService<IOptionsMonitor<HttpResilienceOptions>>().Get(name)));
        return services.AddHttpClient(name, (sp, c) =>
            {
                var o = sp.GetRequiredService<IOptionsMonitor<HttpResilienceOptions>>().Get(name);
                if (o.BaseAddress is not null) c.BaseAddress = o.BaseAddress;
                c.Timeout = Timeout.InfiniteTimeSpan;
            })
            .AddHttpMessageHandler(() => new CorrelationIdHandler())
            .AddHttpMessageHandler(sp => new ResilienceHandler(sp.GetRequiredKeyedService<ResiliencePipeline<HttpResponseMessage>>(name)));
    }
}
