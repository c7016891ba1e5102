using Microsoft.Extensions.Options;

namespace Cmp.Gateway.Features.Acp.Idempotency;

/// <summary>Deletes idempotency keys past their retention, so the table stays small.</summary>
public sealed class IdempotencySweeper(IdempotencyStore store, IOptions<AcpOptions> options, ILogger<IdempotencySweeper> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Idempotency.SweepInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var n = await store.SweepAsync(stoppingToken);
                if (n > 0) log.LogInformation("Deleted {Count} expired idempotency keys", n);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Sweeping expired idempotency keys failed; next try in {Interval}", options.Value.Idempotency.SweepInterval);
            }
        }
    }
}
