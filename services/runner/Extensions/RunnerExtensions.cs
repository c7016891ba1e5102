using System.Net;
using Cmp.Hosting.Auth;
using Cmp.Hosting.Configuration;
using Cmp.Hosting.Health;
using Cmp.Hosting.Http;
using Cmp.Runner.Features;
using Cmp.Runner.Features.ManageFlows;
using Cmp.Runner.Features.RunFlow;
using Cmp.Runner.Features.StreamRun;
using Cmp.Runner.Infrastructure.Langflow;
using Microsoft.Extensions.Options;
using Polly;

namespace Cmp.Runner.Extensions;

/// <summary>Every registration of the runner, in one place.</summary>
public static class RunnerExtensions
{
    public const string LangflowClient = Infrastructure.Langflow.LangflowClient.ClientName;

    public static WebApplicationBuilder AddRunner(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var services = builder.Services;

        services.AddCmpAuthentication(config);
        services.AddValidatedOptions<RunnerOptions>(config, RunnerOptions.Section);
        services.AddLangflow(config);

        services.AddMetrics();
        services.AddSingleton<RunMetrics>();
        services.AddSingleton<RunFlow>();
        services.AddSingleton<StreamRun>();
        services.AddSingleton<ImportFlow>();
        services.AddSingleton<GetFlow>();
        services.AddSingleton<DeleteFlow>();

        // Real Langflow's /health answers 200 even before the app is up; /health_check queries its database.
        services.AddHealthChecks().AddHttpDependency(LangflowClient, "health_check");
        return builder;
    }

    /// <summary>
    /// The Langflow client: base address and timeouts from <c>Http:langflow</c> (validated at startup), the API key
    /// from <c>Langflow:ApiKey</c>, and its own pipeline (see <see cref="LangflowResilience"/> for why it is not the
    /// default one).
    /// </summary>
    static void AddLangflow(this IServiceCollection services, IConfiguration config)
    {
        services.AddValidatedOptions<LangflowOptions>(config, LangflowOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.ApiKey),
                "Langflow:ApiKey is required: the Langflow API key the runner sends as x-api-key (env Langflow__ApiKey, from a Secret).");
        services.AddOptions<HttpResilienceOptions>(LangflowClient)
            .Bind(config.GetSection($"Http:{LangflowClient}"))
            .ValidateDataAnnotations()
            .Validate(o => o.BaseAddress is { IsAbsoluteUri: true }, "Http:langflow:BaseAddress is required: Langflow's URL, e.g. http://langflow:7860.")
            .ValidateOnStart();
        services.AddKeyedSingleton(LangflowClient, (sp, _) =>
            LangflowResilience.Create(LangflowClient, sp.GetRequiredService<IOptionsMonitor<HttpResilienceOptions>>().Get(LangflowClient)));
        services.AddTransient<LangflowApiKeyHandler>();
        services.AddHttpClient(LangflowClient, (sp, c) =>
            {
                var o = sp.GetRequiredService<IOptionsMonitor<HttpResilienceOptions>>().Get(LangflowClient);
                // A trailing slash keeps a path prefix (Langflow behind an ingress at /langflow/) in relative URLs.
                var baseAddress = o.BaseAddress!.ToString();
                c.BaseAddress = new Uri(baseAddress.EndsWith('/') ? baseAddress : baseAddress + "/");
                c.Timeout = Timeout.InfiniteTimeSpan;   // the pipeline and the run deadline rule
            })
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                // Langflow always gzips its flow list.
                AutomaticDecompression = DecompressionMethods.All,
                ConnectTimeout = sp.GetRequiredService<IOptionsMonitor<LangflowOptions>>().CurrentValue.ConnectTimeout,
                // An abandoned stream must close its connection at once (so Langflow cancels the run), not be drained for reuse.
                MaxResponseDrainSize = 0,
            })
            .AddHttpMessageHandler(() => new CorrelationIdHandler())
            .AddHttpMessageHandler(sp => new ResilienceHandler(sp.GetRequiredKeyedService<ResiliencePipeline<HttpResponseMessage>>(LangflowClient)))
            .AddHttpMessageHandler<LangflowApiKeyHandler>();
        services.AddSingleton<ILangflowClient, Infrastructure.Langflow.LangflowClient>();
    }
}
