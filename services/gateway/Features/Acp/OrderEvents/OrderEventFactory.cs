using System.Text.Json;
using Cmp.Gateway.Features.Acp.Checkout;
using Cmp.Gateway.Features.Acp.Protocol;
using Cmp.Gateway.Features.Acp.Wire;
using Cmp.Gateway.Infrastructure.Commerce.Entities;

namespace Cmp.Gateway.Features.Acp.OrderEvents;

/// <summary>Builds outbox rows: the event rendered once, in the API version the session was created with (what the
/// platform speaks), and stored as the exact bytes every delivery attempt sends.</summary>
public static class OrderEventFactory
{
    /// <summary>The platform's webhook, if the session belongs to a platform that configured one.</summary>
    public static WebhookOptions? WebhookOf(string owner, AcpOptions options) =>
        owner.StartsWith("platform:", StringComparison.Ordinal)
            ? options.Platforms.FirstOrDefault(p => "platform:" + p.Id == owner)?.Webhook is { Url: not null } w ? w : null
            : null;

    public static OrderEventRow Create(CheckoutSessionRow session, OrderView order, string eventType, DateTimeOffset now)
    {
        var version = AcpVersions.Parse(session.ApiVersion) ?? AcpVersion.V20260417;
        var payload = JsonSerializer.SerializeToUtf8Bytes(AcpWires.For(version).RenderOrderEvent(eventType, order), AcpJson.Write);
        return new OrderEventRow
        {
            Owner = session.Owner, SessionId = session.Id, OrderId = order.Id, EventType = eventType, ApiVersion = session.ApiVersion,
            Payload = payload, CreatedAt = now, NextAttemptAt = now, Attempts = 0,
        };
    }
}
