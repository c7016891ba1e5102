using Cmp.Data;
using Cmp.Hosting.Health;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cmp.Gateway.Infrastructure.Data;

public static class GatewayDatabase
{
    public const string ConnectionName = "Gateway";

    /// <summary>
    /// <see cref="GatewayDbContext"/> on <c>ConnectionStrings:Gateway</c> (required), with its migration history in its
    /// own schema (the database is shared with other gateway features' contexts), a readiness check, and
    /// migrate-on-startup under the advisory lock.
    /// </summary>
    public static IServiceCollection AddGatewayDatabase(this IServiceCollection services, IConfiguration config)
    {
        var connectionString = config.GetConnectionString(ConnectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException($"ConnectionStrings:{ConnectionName} is required (a PostgreSQL connection string for the gateway's run records).");
        // A pooled factory: runs are recorded from singletons and background work, each write on its own context.
        services.AddPooledDbContextFactory<GatewayDbContext>(o => Configure(o, connectionString));
        services.TryAddScoped(sp => sp.GetRequiredService<IDbContextFactory<GatewayDbContext>>().CreateDbContext());
        services.AddSingleton(new RunWrites(connectionString));
        services.AddHealthChecks().AddDbContextCheck<GatewayDbContext>("runs-database", tags: [HealthEndpoints.ReadyTag]);
        services.AddMigrateOnStartup<GatewayDbContext>(config);
        return services;
    }

    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder o, string connectionString) =>
        o.UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__EFMigrationsHistory", GatewayDbContext.Schema));
}
