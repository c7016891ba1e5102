using Cmp.ControlPlane.Client;
using Cmp.Hosting.Auth;
using Cmp.Hosting.Health;
using Cmp.Runner.Client;

namespace Cmp.Gateway.Extensions;

/// <summary>Every registration of the gateway, in one place.</summary>
public static class GatewayExtensions
{
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        builder.Services.AddCmpAuthentication(config);
        builder.Services.AddControlPlaneClient(config);
        builder.Services.AddRunnerClient(config);
        builder.Services.AddHealthChecks()
            .AddHttpDependency(ControlPlaneClient.ClientName, "/healthz")
            .AddHttpDependency("runner", "/healthz");
        builder.AddAgentCommerce();
        return builder;
    }
}
