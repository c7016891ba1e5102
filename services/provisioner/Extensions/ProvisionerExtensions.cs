using Cmp.Hosting.Auth;
using Cmp.Hosting.Health;
using Cmp.Hosting.Http;

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
        return builder;
    }
}
