using Cmp.ControlPlane.Apis;
using Cmp.ControlPlane.Features.ApiKeys;
using Cmp.ControlPlane.Features.Callers;
using Cmp.ControlPlane.Features.Credits;
using Cmp.ControlPlane.Features.Instances;
using Cmp.ControlPlane.Features.Offerings;
using Cmp.ControlPlane.Features.Tenants;
using Cmp.ControlPlane.Infrastructure.Data;
using Cmp.ControlPlane.Infrastructure.Flows;
using Cmp.ControlPlane.Operator;
using Cmp.ControlPlane.Workers;
using Cmp.Data;
using Cmp.Hosting.Auth;
using Cmp.Hosting.Configuration;
using Cmp.Runner.Client;

namespace Cmp.ControlPlane.Extensions;

/// <summary>Every registration of the control plane, in one place.</summary>
public static class ControlPlaneExtensions
{
    public static WebApplicationBuilder AddControlPlane(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var services = builder.Services;
        services.AddCmpAuthentication(config);
        services.AddPostgresDbContext<ControlPlaneDbContext>(config, "ControlPlane");

        services.AddValidatedOptions<CreditOptions>(config, "Credits");
        services.AddValidatedOptions<ProvisioningOptions>(config, "Provisioning");
        services.AddValidatedOptions<FlowTemplateOptions>(config, "FlowTemplates");

        services.AddScoped<CallerResolver>();
        services.AddScoped<TenantHandlers>();
        services.AddScoped<OfferingHandlers>();
        services.AddScoped<LedgerWriter>();
        services.AddScoped<GrantCreditsHandler>();
        services.AddScoped<ReserveCreditsHandler>();
        services.AddScoped<SettleReservationHandler>();
        services.AddScoped<ClawBackCreditsHandler>();
        services.AddScoped<CreditQueries>();
        services.AddScoped<CreateInstanceHandler>();
        services.AddScoped<InstanceLifecycleHandler>();
        services.AddScoped<InstanceQueries>();
        services.AddScoped<ApiKeyHandlers>();
        services.AddScoped<ProvisionInstancesHandler>();

        services.AddSingleton<FlowTemplateCatalog>();
        services.AddSingleton<ProvisioningSignal>();
        services.AddRunnerClient(config);
        services.AddScoped<IFlowDeployer, RunnerFlowDeployer>();

        // Offerings as code and the instance fleet as AgentInstances (Operator:*, off unless enabled).
        services.AddControlPlaneOperator(config);

        if (config.GetValue("Workers:Enabled", true))
        {
            services.AddHostedService<ProvisioningWorker>();
            services.AddHostedService<ReservationExpiryWorker>();
        }
        return builder;
    }

    public static WebApplication MapControlPlaneApis(this WebApplication app)
    {
        app.MapOfferingsApi();
        app.MapTenantsApi();
        app.MapInstancesApi();
        app.MapKeysApi();
        app.MapReservationsApi();
        return app;
    }

    public static Task MigrateDatabaseAsync(this WebApplication app) => app.MigrateDatabaseAsync<ControlPlaneDbContext>();
}
