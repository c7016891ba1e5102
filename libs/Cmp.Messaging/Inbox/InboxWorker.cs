using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cmp.Messaging.Inbox;

/// <summary>Thin loop around <see cref="InboxProcessor{TContext}"/>; woken at once by new messages.</summary>
public sealed class InboxWorker<TContext>(IServiceScopeFactory scopes, InboxSignal signal, IOptions<InboxOptions> options,
    ILogger<InboxWorker<TContext>> log) : BackgroundService where TContext : DbContext
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var claimed = 0;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                claimed = await scope.ServiceProvider.GetRequiredService<InboxProcessor<TContext>>().RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogError(e, "Inbox pass failed; retrying after the poll interval");
            }
            if (claimed > 0) continue;
            try { await signal.WaitAsync(options.Value.PollInterval, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }
}
