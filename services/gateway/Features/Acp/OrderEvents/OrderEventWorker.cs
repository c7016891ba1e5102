using System.Globalization;
using System.Net.Http.Headers;
using Cmp.Gateway.Infrastructure.Commerce;
using Cmp.Gateway.Infrastructure.Commerce.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cmp.Gateway.Features.Acp.OrderEvents;

/// <summary>
/// Delivers the order-event outbox to agent platforms. Rows are claimed with a short lease (<c>FOR UPDATE SKIP
/// LOCKED</c>, so replicas share the work), sent outside any transaction, and settled by the answer: 2xx delivered;
/// 408, 429, 5xx, timeouts and connection failures retried with exponential backoff and jitter; any other 4xx, or too
/// many attempts, dead (logged, kept for inspection). Events of one order go out in order: a later event waits until
/// the earlier ones are settled.
/// </summary>
public sealed class OrderEventWorker(
    IDbContextFactory<CommerceDbContext> dbs,
    IHttpClientFactory clients,
    IOptions<AcpOptions> options,
    TimeProvider clock,
    ILogger<OrderEventWorker> log) : BackgroundService
{
    public const string HttpClientName = "acp-webhooks";
    const int Batch = 20;

    OrderEventOptions O => options.Value.OrderEvents;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var busy = false;
            try
            {
                busy = await DeliverDueAsync(stoppingToken) == Batch;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Order event delivery round failed; retrying in {Interval}", O.PollInterval);
            }
            if (!busy) await Task.Delay(O.PollInterval, clock, stoppingToken);
        }
    }

    /// <summary>One round: claim due events and deliver them. Returns how many were claimed.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken ct)
    {
        List<OrderEventRow> claimed;
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            var now = clock.GetUtcNow();
            var lease = now + TimeSpan.FromSeconds(60);
            claimed = await db.OrderEvents.FromSql($"""
                UPDATE commerce.order_events SET lease_until = {lease}, attempts = attempts + 1
                WHERE id IN (
                    SELECT e.id FROM commerce.order_events e
                    WHERE e.delivered_at IS NULL AND e.dead_at IS NULL AND e.next_attempt_at <= {now}
                      AND (e.lease_until IS NULL OR e.lease_until < {now})
                      AND NOT EXISTS (SELECT 1 FROM commerce.order_events p
                                      WHERE p.order_id = e.order_id AND p.id < e.id AND p.delivered_at IS NULL AND p.dead_at IS NULL)
                    ORDER BY e.id LIMIT {Batch} FOR UPDATE SKIP LOCKED)
                RETURNING *
                """).AsNoTracking().ToListAsync(ct);
        }
        foreach (var e in claimed.OrderBy(e => e.Id)) await DeliverAsync(e, ct);
        return claimed.Count;
    }

    async Task DeliverAsync(OrderEventRow e, CancellationToken ct)
    {
        var webhook = OrderEventFactory.WebhookOf(e.Owner, options.Value);
        if (webhook?.Url is null || webhook.Secret is null)
        {
            await SettleAsync(e, delivered: false, dead: true, null, "The platform no longer has a webhook configured.", ct);
            return;
        }
        int? status = null;
        string? error = null;
        try
        {
            var now = clock.GetUtcNow();
            using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new ByteArrayContent(e.Payload) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.TryAddWithoutValidation(webhook.SignatureHeader, WebhookSignature.Sign(e.ApiVersion, webhook.Secret, e.Payload, now));
            request.Headers.TryAddWithoutValidation("Timestamp", now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            request.Headers.TryAddWithoutValidation("Request-Id", $"evt_{e.Id}");
            request.Headers.TryAddWithoutValidation("API-Version", e.ApiVersion);
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, ct);
            status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode) error = $"{status} {response.ReasonPhrase}";
        }
        catch (Exception x) when (x is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            error = x is TaskCanceledException ? "timed out" : $"unreachable: {x.Message}";
        }

        var delivered = status is >= 200 and < 300;
        var permanent = status is >= 400 and < 500 and not (408 or 429);
        var dead = !delivered && (permanent || e.Attempts >= O.MaxAttempts);
        await SettleAsync(e, delivered, dead, status, error, ct);
        if (delivered) log.LogInformation("Order event {EventId} ({Type}, order {OrderId}) delivered to {Owner}", e.Id, e.EventType, e.OrderId, e.Owner);
        else if (dead) log.LogError("Order event {EventId} ({Type}, order {OrderId}) to {Owner} is dead after {Attempts} attempts: {Error}",
            e.Id, e.EventType, e.OrderId, e.Owner, e.Attempts, error);
        else log.LogWarning("Order event {EventId} to {Owner} failed (attempt {Attempts}): {Error}; retrying", e.Id, e.Owner, e.Attempts, error);
    }

    async Task SettleAsync(OrderEventRow e, bool delivered, bool dead, int? status, string? error, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var next = now + Backoff(e.Attempts);
        var message = error is { Length: > 1000 } ? error[..1000] : error;
        await db.OrderEvents.Where(x => x.Id == e.Id).ExecuteUpdateAsync(s => s
            .SetProperty(x => x.LeaseUntil, (DateTimeOffset?)null)
            .SetProperty(x => x.LastStatus, status)
            .SetProperty(x => x.LastError, message)
            .SetProperty(x => x.DeliveredAt, delivered ? now : null)
            .SetProperty(x => x.DeadAt, dead ? now : null)
            .SetProperty(x => x.NextAttemptAt, x => delivered || dead ? x.NextAttemptAt : next), ct);
    }

    /// <summary>Exponential backoff with full jitter between half and all of the step, capped.</summary>
    TimeSpan Backoff(int attempts)
    {
        var step = O.BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempts - 1, 20));
        var capped = Math.Min(step, O.MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped / 2 + Random.Shared.NextDouble() * capped / 2);
    }
}
