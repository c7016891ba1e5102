using System.Text;
using Cmp.Messaging.Inbox;
using Cmp.Primitives;
using Cmp.Provisioner.Features.ProvisionOrder;
using Cmp.Provisioner.Features.RevokeOrder;
using Cmp.Saleor.Webhooks;

namespace Cmp.Provisioner.Features;

/// <summary>Dispatches stored Saleor deliveries to their use case. The payload was verified when it was received.</summary>
public sealed class SaleorOrderHandlers(ProvisionOrder.ProvisionOrder provision, RevokeOrder.RevokeOrder revoke) : IInboxHandler
{
    public IReadOnlyCollection<string> EventTypes { get; } =
        [SaleorWebhooks.OrderFullyPaid.SaleorEvent, SaleorWebhooks.OrderRefunded.SaleorEvent,
         SaleorWebhooks.OrderFullyRefunded.SaleorEvent, SaleorWebhooks.OrderCancelled.SaleorEvent];

    public Task<Result<string>> HandleAsync(InboxMessage message, CancellationToken ct)
    {
        var parsed = SaleorOrderEvents.Parse(message.EventType, Encoding.UTF8.GetBytes(message.Payload));
        if (!parsed.IsSuccess) return Task.FromResult(Result<string>.Failure(parsed.Error));
        return parsed.Value.Type == SaleorOrderEventType.OrderFullyPaid
            ? provision.HandleAsync(parsed.Value, ct)
            : revoke.HandleAsync(parsed.Value, message.EventType, ct);
    }
}
