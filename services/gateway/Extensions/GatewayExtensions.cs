using Cmp.ControlPlane.Client;
using Cmp.Gateway.Apis;
using Cmp.Gateway.Auth;
using Cmp.Gateway.Auth.Widget;
using Cmp.Gateway.Features.RateLimits;
using Cmp.Gateway.Features.Runs;
using Cmp.Gateway.Features.Runs.Leases;
using Cmp.Gateway.Features.Widget;
using Cmp.Gateway.Infrastructure.Data;
using Cmp.Gateway.Workers;
using Cmp.Hosting.Configuration;
using Cmp.Hosting.Health;
using Cmp.Runner.Client;

namespace Cmp.Gateway.Extensions;

/// <summary>Every registration of the gateway, in one place.</summary>
public static class GatewayExtensions
{
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        builder.Services.AddGatewayAuthentication(config);
        builder.Services.AddControlPlaneClient(config);
        builder.Services.AddRunnerClient(config);
        builder.Services.AddHealthChecks()
            .AddHttpDependency(ControlPlaneClient.ClientName, "/healthz")
            .AddHttpDependency("runner", "/healthz");
        builder.Services.AddGatewayDatabase(config);
        builder.Services.AddRuns(config);
        builder.AddAgentCommerce();
        return builder;
    }

    /// <summary>Metered runs and the widget: the use cases, their caches, rate limits and the settlement worker.</summary>
    static IServiceCollection AddRuns(this IServiceCollection services, IConfiguration config)
    {
        services.AddValidatedOptions<RunsOptions>(config, RunsOptions.Section)
            .Validate(o => o.ReservationTtl > o.MaxRunDuration,
                "Runs:ReservationTtl must be longer than Runs:MaxRunDuration (a reservation must outlive the run it pays for).");
        services.AddValidatedOptions<InstanceOptions>(config, InstanceOptions.Section);
        services.AddValidatedOptions<RateLimitOptions>(config, RateLimitOptions.Section);
        services.AddMetrics();
        services.AddSingleton<RunTelemetry>();
        services.AddSingleton<InstanceDirectory>();
        services.AddSingleton<InstanceAccess>();
        services.AddSingleton<RunRateLimiter>();
        services.AddSingleton<RunCredits>();
        services.AddSingleton<RunStore>();
        services.AddSingleton<ReservationCloser>();
        services.AddSingleton<RunSettlement>();
        services.AddSingleton<LeaseStore>();
        services.AddSingleton<LeaseSettlement>();
        services.AddSingleton<CreditLeases>().AddHostedService(sp => sp.GetRequiredService<CreditLeases>());
        services.AddSingleton<FinishedRunWriter>().AddHostedService(sp => sp.GetRequiredService<FinishedRunWriter>());
        services.AddSingleton<SettlementRecorder>().AddHostedService(sp => sp.GetRequiredService<SettlementRecorder>());
        services.AddSingleton<DeferredSettlements>().AddHostedService(sp => sp.GetRequiredService<DeferredSettlements>());
        services.AddSingleton<AgentRuns>();
        services.AddSingleton<IAgentRuns>(sp => sp.GetRequiredService<AgentRuns>());
        services.AddSingleton<RunQueries>();
        services.AddSingleton<WidgetSessions>();
        if (config.GetValue($"{RunsOptions.Section}:{nameof(RunsOptions.SettlementWorkerEnabled)}", true))
            services.AddSingleton<SettlementWorker>().AddHostedService(sp => sp.GetRequiredService<SettlementWorker>());
        return services;
    }

    /// <summary>Middleware that must see requests before authentication: CORS preflights of widget pages.</summary>
    public static WebApplication UseGatewayEdge(this WebApplication app)
    {
        app.UseWidgetCors();
        return app;
    }

    public static WebApplication MapGatewayApis(this WebApplication app)
    {
        app.MapRunsApi();
        app.MapWidgetApi();
        return app;
    }
}
