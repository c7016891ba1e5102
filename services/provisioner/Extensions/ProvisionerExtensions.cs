using Cmp.Hosting.Auth;
using Cmp.Hosting.Health;
using Cmp.Hosting.Http;
using Cmp.Saleor;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Cmp.Provisioner.Extensions;

/// <summary>Every registration of the provisioner, in one place.</summary>
public static class ProvisionerExtensions
{
    public const string ControlPlaneClient = "control-plane";

    public static WebApplicationBuilder AddProvisioner(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        builder.Services.AddCmpAuthentication(config);
        builder.Services.AddCmpHttpClient(config, ControlPlaneClient).WithServiceToken(config);
        builder.Services.AddHealthChecks().AddHttpDependency(ControlPlaneClient, "/healthz");
        builder.Services.AddSaleorClient(config).AddSaleorWebhookVerification(config);
        // Degraded, not unhealthy: a Saleor API outage must not take the webhook receiver out of service, or Saleor's
        // deliveries would fail and, after its last retry, be lost. /readyz still shows the problem.
        builder.Services.AddHealthChecks().AddSaleorReadiness(failureStatus: HealthStatus.Degraded);
        return builder;
    }
}
