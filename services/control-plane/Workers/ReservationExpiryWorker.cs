using Cmp.ControlPlane.Features.Credits;
using Microsoft.Extensions.Options;

namespace Cmp.ControlPlane.Workers;

/// <summary>Releases reservations nobody committed or released before they expired (a gateway that crashed mid-run).</summary>
sealed class ReservationExpiryWorker(IServiceScopeFactory scopes, TimeProvider clock, IOptions<CreditOptions> options,
    ILogger<ReservationExpiryWorker> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var expired = await scope.ServiceProvider.GetRequiredService<SettleReservationHandler>().ExpireDueAsync(100, stoppingToken);
                if (expired > 0) log.LogInformation("Released {Count} expired reservations", expired);
                if (expired == 100) continue;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogError(e, "Reservation expiry pass failed");
            }
            try { await Task.Delay(options.Value.ExpirySweepInterval, clock, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }
}
