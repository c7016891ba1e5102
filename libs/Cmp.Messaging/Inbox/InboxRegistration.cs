using Cmp.Hosting.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cmp.Messaging.Inbox;

public static class InboxRegistration
{
    /// <summary>The inbox store, processor and (unless <c>Workers:Enabled</c> is false) its background worker.</summary>
    public static IServiceCollection AddInbox<TContext>(this IServiceCollection services, IConfiguration config) where TContext : DbContext
    {
        services.AddValidatedOptions<InboxOptions>(config, "Inbox");
        services.AddSingleton<InboxSignal>();
        services.AddScoped<InboxStore<TContext>>();
        services.AddScoped(sp => new InboxDb(sp.GetRequiredService<TContext>()));
        services.AddScoped<InboxProcessor<TContext>>();
        if (config.GetValue("Workers:Enabled", true)) services.AddHostedService<InboxWorker<TContext>>();
        return services;
    }
}
