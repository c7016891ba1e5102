using Cmp.Hosting.Auth;
using Cmp.Hosting.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cmp.Runner.Client;

public static class RunnerClientExtensions
{
    /// <summary>
    /// Registers <see cref="IRunnerClient"/> over the named HttpClient <c>runner</c>: base address, timeouts, retries
    /// and breaker from <c>Http:runner</c>, this service's token from <c>ServiceAuth</c>, stream settings from
    /// <c>RunnerClient</c>. Calling it twice registers once. Do not also call <c>AddCmpHttpClient(config, "runner")</c>:
    /// that would add the handlers a second time.
    /// </summary>
    public static IServiceCollection AddRunnerClient(this IServiceCollection services, IConfiguration config)
    {
        if (services.Any(d => d.ServiceType == typeof(IRunnerClient))) return services;

        // Flows run for minutes. These defaults (overridable under Http:runner) sit just above the runner's own
        // Langflow timeouts, so a slow flow comes back as the runner's 504 rather than as a client-side cut.
        services.AddOptions<HttpResilienceOptions>(RunnerClient.ClientName)
            .Configure(o =>
            {
                o.AttemptTimeout = TimeSpan.FromMinutes(6);
                o.TotalTimeout = TimeSpan.FromMinutes(12);
            })
            .Validate(o => o.BaseAddress is not null, "Http:runner:BaseAddress is required: the runner's URL, e.g. http://cmp-runner:8080.");
        services.AddOptions<RunnerClientOptions>()
            .Bind(config.GetSection(RunnerClientOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddCmpHttpClient(config, RunnerClient.ClientName)
            .WithServiceToken(config)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                ConnectTimeout = TimeSpan.FromSeconds(10),
                // A stream the caller abandons must hang up at once, so the runner (and Langflow) stop the run;
                // by default HttpClient would drain the rest of it for up to 2 s to reuse the connection.
                MaxResponseDrainSize = 0,
            });
        services.AddSingleton<IRunnerClient, RunnerClient>();
        return services;
    }
}
