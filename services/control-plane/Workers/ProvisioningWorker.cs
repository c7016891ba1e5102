using Cmp.ControlPlane.Features.Instances;
using Microsoft.Extensions.Options;

namespace Cmp.ControlPlane.Workers;

/// <summary>Thin loop: runs the provisioning handler whenever there is work (woken at once by new instances).</summary>
sealed class ProvisioningWorker(IServiceScopeFactory scopes, ProvisioningSignal signal, IOptions<ProvisioningOptions> options,
    ILogger<ProvisioningWorker> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var handled = 0;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                handled = await scope.ServiceProvider.GetRequiredService<ProvisionInstancesHandler>().RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogError(e, "Provisioning pass failed; retrying after the poll interval");
            }
            if (handled == 0)
            {
                try { await signal.WaitAsync(options.Value.PollInterval, stoppingToken); }
                catch (OperationCanceledException) { return; }
            }
        }
    }
}
