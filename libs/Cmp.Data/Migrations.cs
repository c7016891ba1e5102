using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Cmp.Data;

/// <summary>
/// Applies EF migrations under a PostgreSQL advisory lock: replicas starting together would otherwise race and
/// fail on the history table's primary key (observed here; see ../shared/reference/dotnet/recipes.md §2).
/// </summary>
public static class Migrations
{
    public static async Task MigrateLockedAsync(this DbContext db, CancellationToken ct = default)
    {
        var lockKey = LockKey(db.GetType().FullName!);
        await EnsureDatabaseExistsAsync(db, ct);
        await db.Database.OpenConnectionAsync(ct);   // EF keeps using this connection, so the lock covers the migration
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({lockKey})", ct);
            await db.Database.MigrateAsync(ct);
        }
        finally
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({lockKey})", CancellationToken.None);
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The advisory lock needs a connection to the database itself, so create the database first if it is
    /// missing (a fresh dev server); a concurrent creator winning the race is fine.</summary>
    static async Task EnsureDatabaseExistsAsync(DbContext db, CancellationToken ct)
    {
        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (await creator.ExistsAsync(ct)) return;
        try
        {
            await creator.CreateAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another replica created it first.
        }
    }

    /// <summary>One lock per context type, stable across processes.</summary>
    static long LockKey(string name) => BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("cmp-migrate:" + name)), 0);

    /// <summary>Runs the migrations of <typeparamref name="TContext"/> before the app starts serving when
    /// <c>Database:MigrateOnStartup</c> is true (the default), so a fresh database works without a separate step.</summary>
    public static IServiceCollection AddMigrateOnStartup<TContext>(this IServiceCollection services, IConfiguration config)
        where TContext : DbContext
    {
        if (config.GetValue("Database:MigrateOnStartup", true))
            services.AddHostedService<MigrateOnStartup<TContext>>();
        return services;
    }

    /// <summary>For the <c>migrate</c> command: apply and return.</summary>
    public static async Task MigrateDatabaseAsync<TContext>(this WebApplication app) where TContext : DbContext
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        await db.MigrateLockedAsync();
        var applied = await db.Database.GetAppliedMigrationsAsync();
        app.Logger.LogInformation("Database is at migration {Migration}", applied.LastOrDefault() ?? "(none)");
    }
}

/// <summary>A hosted service's StartAsync runs before Kestrel accepts requests, so no request sees an old schema.</summary>
sealed class MigrateOnStartup<TContext>(IServiceProvider services, ILogger<MigrateOnStartup<TContext>> log) : IHostedService
    where TContext : DbContext
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        await db.MigrateLockedAsync(cancellationToken);
        log.LogInformation("Migrations of {Context} applied", typeof(TContext).Name);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
