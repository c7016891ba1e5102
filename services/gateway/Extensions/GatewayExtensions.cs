using Cmp.Hosting.Auth;
using Cmp.Hosting.Health;
using Cmp.Hosting.Http;

namespace Cmp.Gateway.Extensions;

/// <summary>Every registration of the gateway, in one place.</summary>
public static class GatewayExtensions
{
    public const string ControlPlaneClient = "control-plane";
    public const string RunnerClient = "runner";

    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        builder.Services.AddCmpAuthentication(config);
        builder.Services.AddCmpHttpClient(config, ControlPlaneClient).WithServiceToken(config);
        builder.Services.AddCmpHttpClient(config, RunnerClient).WithServiceToken(config);
        builder.Services.AddHealthChecks()
            .AddHttpDependency(ControlPlaneClient, "/healthz")
            .AddHttpDependency(RunnerClient, "/healthz");
        return builder;
    }
}
