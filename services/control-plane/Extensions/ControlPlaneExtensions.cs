using Cmp.ControlPlane.Infrastructure.Data;
using Cmp.Data;
using Cmp.Hosting.Auth;

namespace Cmp.ControlPlane.Extensions;

/// <summary>Every registration of the control plane, in one place.</summary>
public static class ControlPlaneExtensions
{
    public static WebApplicationBuilder AddControlPlane(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        builder.Services.AddCmpAuthentication(config);
        builder.Services.AddPostgresDbContext<ControlPlaneDbContext>(config, "ControlPlane");
        return builder;
    }

    public static Task MigrateDatabaseAsync(this WebApplication app) => app.MigrateDatabaseAsync<ControlPlaneDbContext>();
}
