namespace Cmp.Saleor.Webhooks;

/// <summary>One webhook CMP registers in Saleor: its name, the async event, the subscription operation (a
/// <c>.graphql</c> file) whose text becomes the webhook's query, and the receiver path under the target URL.</summary>
public sealed record SaleorWebhookDefinition(string Name, string AsyncEvent, string SubscriptionOperation)
{
    /// <summary>The <c>Saleor-Event</c> header value of its deliveries, e.g. <c>order_fully_paid</c>.</summary>
    public string SaleorEvent => AsyncEvent.ToLowerInvariant();

    /// <summary>Receiver path, e.g. <c>/webhooks/saleor/order_fully_paid</c>: the last segment equals
    /// <c>Saleor-Event</c>, so the receiver can check a delivery arrived where its event says it should.</summary>
    public string Path => SaleorWebhooks.PathPrefix + SaleorEvent;

    /// <summary>The webhook's target URL under a receiver base URL (e.g. https://provisioner.example.net).</summary>
    public Uri TargetUrl(Uri receiverBase) => new(new Uri(receiverBase.ToString().TrimEnd('/') + "/"), Path.TrimStart('/'));
}

/// <summary>The webhooks of the cmp-provisioner app: the four order events CMP acts on.</summary>
public static class SaleorWebhooks
{
    public const string PathPrefix = "/webhooks/saleor/";

    /// <summary>Names of CMP-managed webhooks start with this; the installer removes such webhooks it no longer declares.</summary>
    public const string NamePrefix = "cmp-";

    public static readonly SaleorWebhookDefinition OrderFullyPaid = new("cmp-order-fully-paid", "ORDER_FULLY_PAID", "OrderFullyPaid");
    public static readonly SaleorWebhookDefinition OrderRefunded = new("cmp-order-refunded", "ORDER_REFUNDED", "OrderRefunded");
    public static readonly SaleorWebhookDefinition OrderFullyRefunded = new("cmp-order-fully-refunded", "ORDER_FULLY_REFUNDED", "OrderFullyRefunded");
    public static readonly SaleorWebhookDefinition OrderCancelled = new("cmp-order-cancelled", "ORDER_CANCELLED", "OrderCancelled");

    public static IReadOnlyList<SaleorWebhookDefinition> All { get; } = [OrderFullyPaid, OrderRefunded, OrderFullyRefunded, OrderCancelled];

    /// <summary>The definition for a <c>Saleor-Event</c> value, or null for events CMP does not subscribe to.</summary>
    public static SaleorWebhookDefinition? ForEvent(string saleorEvent) =>
        All.FirstOrDefault(d => string.Equals(d.SaleorEvent, saleorEvent, StringComparison.OrdinalIgnoreCase));
}
