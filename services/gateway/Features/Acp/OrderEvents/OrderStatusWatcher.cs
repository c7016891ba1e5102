using System.Text.Json;
using Cmp.Gateway.Features.Acp.Checkout;
using Cmp.Gateway.Infrastructure.Commerce;
using Cmp.Gateway.Infrastructure.Commerce.Saleor;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cmp.Gateway.Features.Acp.OrderEvents;

/// <summary>
/// Follows orders placed through ACP and emits <c>order_update</c> when Saleor's order changes (status, fulfilments,
/// refunds): each order is re-read every <c>Acp:OrderEvents:OrderPollInterval</c> for <c>FollowOrdersFor</c> after it was
/// placed. Reading back the order needs no Saleor webhook registration for the gateway and no extra permission (an
/// order id is enough to read it); the change is committed with its outbox row, so it is announced exactly once.
/// Orders to look at are claimed by pushing their next check forward (<c>FOR UPDATE SKIP LOCKED</c>), so replicas
/// share the work.
/// </summary>
public sealed class OrderStatusWatcher(
    IDbContextFactory<CommerceDbContext> dbs,
    SaleorCommerce saleor,
    IOptions<AcpOptions> options,
    TimeProvider clock,
    ILogger<OrderStatusWatcher> log) : BackgroundService
{
    OrderEventOptions O => options.Value.OrderEvents;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var tick = TimeSpan.FromMilliseconds(Math.Clamp(O.OrderPollInterval.TotalMilliseconds / 2, 50, 10_000));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await CheckDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Order status round failed");
            }
            await Task.Delay(tick, clock, stoppingToken);
        }
    }

    public async Task CheckDueAsync(CancellationToken ct)
    {
        List<string> due;
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            var now = clock.GetUtcNow();
            var next = now + O.OrderPollInterval;
            due = await db.Database.SqlQuery<string>($"""
                UPDATE commerce.checkout_sessions SET next_order_check_at = {next}
                WHERE id IN (SELECT id FROM commerce.checkout_sessions
                             WHERE next_order_check_at IS NOT NULL AND next_order_check_at <= {now}
                             ORDER BY next_order_check_at LIMIT 50 FOR UPDATE SKIP LOCKED)
                RETURNING id AS "Value"
                """).ToListAsync(ct);
        }
        foreach (var id in due) await CheckAsync(id, ct);
    }

    async Task CheckAsync(string sessionId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var row = await db.Sessions.SingleAsync(s => s.Id == sessionId, ct);
        var now = clock.GetUtcNow();
        if (row.OrderId is null || row.CreatedAt + O.FollowOrdersFor < now)
        {
            row.NextOrderCheckAt = null;
            await db.SaveChangesAsync(ct);
            return;
        }
        var read = await saleor.GetOrderAsync(row.OrderId, ct);
        if (!read.IsSuccess || read.Value is null) return;   // try again at the next check
        var order = OrderMapping.FromSaleor(read.Value, row.Id, options.Value.Merchant);
        var view = SessionProjector.FromSnapshot(row, options.Value);
        var before = view.Order?.Detail;
        if (before is not null && Same(before, order)) return;

        row.OrderStatus = order.Status;
        row.Snapshot = SessionProjector.Snapshot(view with { Order = new SessionOrder(order.Id, order.Number, order.PermalinkUrl, order.Status) { Detail = order } });
        row.UpdatedAt = now;
        if (OrderEventFactory.WebhookOf(row.Owner, options.Value) is { } webhook)
            db.OrderEvents.Add(OrderEventFactory.Create(row, order, webhook.OrderUpdateEvent, now));
        await db.SaveChangesAsync(ct);
        log.LogInformation("Order {OrderNumber} of session {SessionId} is now {Status}; order_update queued", order.Number, row.Id, order.Status);
    }

    /// <summary>What an order_update is about: status, refunds, fulfilment progress.</summary>
    static bool Same(OrderView a, OrderView b) =>
        a.Status == b.Status && a.Refunded == b.Refunded && a.Fulfillments.Count == b.Fulfillments.Count
        && a.Lines.Select(l => (l.Id, l.Current, l.Fulfilled)).SequenceEqual(b.Lines.Select(l => (l.Id, l.Current, l.Fulfilled)));
}
