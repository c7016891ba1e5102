using Cmp.Hosting.Health;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cmp.Data;

public static class DatabaseRegistration
{
    /// <summary>
    /// Registers <typeparamref name="TContext"/> on PostgreSQL from <c>ConnectionStrings:&lt;name&gt;</c> (required:
    /// the service refuses to start without it), with a readiness check and migrate-on-startup.
    /// </summary>
    public static IServiceCollection AddPostgresDbContext<TContext>(this IServiceCollection services, IConfiguration config, string connectionName)
        where TContext : DbContext
    {
        var connectionString = config.GetConnectionString(connectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException($"ConnectionStrings:{connectionName} is required (a PostgreSQL connection string).");
        services.AddDbContextPool<TContext>(o => o.UseNpgsql(connectionString));
        services.AddHealthChecks().AddDbContextCheck<TContext>("database", tags: [HealthEndpoints.ReadyTag]);
        services.AddMigrateOnStartup<TContext>(config);
        return services;
    }
}
