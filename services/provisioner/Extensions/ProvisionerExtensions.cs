using Cmp.ControlPlane.Client;
using Cmp.Data;
using Cmp.Hosting.Auth;
using Cmp.Hosting.Configuration;
using Cmp.Hosting.Health;
using Cmp.Messaging.Inbox;
using Cmp.Provisioner.Apis;
using Cmp.Provisioner.Features;
using Cmp.Provisioner.Features.ProvisionOrder;
using Cmp.Provisioner.Features.RevokeOrder;
using Cmp.Provisioner.Features.WriteBack;
using Cmp.Provisioner.Infrastructure.Data;
using Cmp.Saleor;
using Cmp.Saleor.Catalog;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Cmp.Provisioner.Extensions;

/// <summary>Every registration of the provisioner, in one place.</summary>
public static class ProvisionerExtensions
{
    public static WebApplicationBuilder AddProvisioner(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var services = builder.Services;
        services.AddCmpAuthentication(config);
        services.AddPostgresDbContext<ProvisionerDbContext>(config, "Provisioner");
        services.AddInbox<ProvisionerDbContext>(config);
        services.AddControlPlaneClient(config);
        services.AddSaleorClient(config).AddSaleorWebhookVerification(config);
        services.AddValidatedOptions<CatalogOptions>(config, CatalogOptions.Section);
        services.AddValidatedOptions<ProvisioningOptions>(config, "Provisioning");

        services.AddScoped<OrderStates>();
        services.AddSingleton<SaleorWriteBack>();
        services.AddScoped<ProvisionOrder>();
        services.AddScoped<RevokeOrder>();
        services.AddScoped<IInboxHandler, SaleorOrderHandlers>();

        // Degraded, not unhealthy: with Saleor's API or the control plane down the provisioner must keep accepting
        // (and storing) webhooks, or Saleor's deliveries would fail and, after its last retry, be lost. Only the
        // inbox's own database makes it unready.
        services.AddHealthChecks()
            .AddHttpDependency(ControlPlaneClient.ClientName, "/healthz", HealthStatus.Degraded)
            .AddSaleorReadiness(failureStatus: HealthStatus.Degraded);
        return builder;
    }

    public static WebApplication MapProvisionerApis(this WebApplication app)
    {
        app.MapSaleorWebhooksApi();
        app.MapInboxAdminApi();
        app.MapOrdersApi();
        return app;
    }

    public static Task MigrateDatabaseAsync(this WebApplication app) => app.MigrateDatabaseAsync<ProvisionerDbContext>();
}
