using System.Security.Cryptography;
using System.Text;
using Cmp.Hosting.Problems;
using Cmp.Messaging.Inbox;
using Cmp.Primitives;
using Cmp.Provisioner.Infrastructure.Data;
using Cmp.Saleor.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cmp.Provisioner.Apis;

/// <summary>
/// Saleor's webhook deliveries. Verify the signature over the raw body and the origin, check the body parses, store it
/// in the inbox (committed before we answer), answer 200. Everything else happens later in the inbox worker, so the
/// answer comes well within Saleor's 18 s timeout. 4xx answers are final for Saleor; 5xx make it retry.
/// </summary>
public static class SaleorWebhooksApi
{
    public const string Source = "saleor";

    public static RouteGroupBuilder MapSaleorWebhooksApi(this IEndpointRouteBuilder app)
    {
        // Authenticated by Saleor's signature, not by a bearer token.
        var g = app.MapGroup(SaleorWebhooks.PathPrefix.TrimEnd('/')).WithTags("Saleor webhooks").AllowAnonymous();
        g.MapPost("/{event}", Receive);
        return g;
    }

    public sealed record Received(long InboxId, bool Duplicate, string Event);

    static async Task<Results<Ok<Received>, Ok, ProblemHttpResult>> Receive(string @event, HttpRequest request,
        InboxStore<ProvisionerDbContext> inbox, CancellationToken ct)
    {
        var verified = await request.VerifySaleorWebhookAsync(ct);
        if (!verified.IsSuccess) return verified.Error.ToProblem();
        var webhook = verified.Value;
        if (!string.Equals(webhook.Event, @event, StringComparison.OrdinalIgnoreCase))
            return Error.Validation(SaleorWebhookErrors.EventMismatch,
                $"The delivery says Saleor-Event '{webhook.Event}' but was sent to the '{@event}' endpoint; check the webhook's target URL.").ToProblem();

        var parsed = SaleorOrderEvents.Parse(webhook);
        if (!parsed.IsSuccess)
            return parsed.Error.Kind == ErrorKind.NoOp ? TypedResults.Ok() : parsed.Error.ToProblem();

        var body = webhook.Body.ToArray();
        var appended = await inbox.AppendAsync(Source, MessageKey(webhook.Event, body), webhook.Event.ToLowerInvariant(),
            parsed.Value.Order.Id, Encoding.UTF8.GetString(body), ct);
        return TypedResults.Ok(new Received(appended.Id, !appended.IsNew, webhook.Event));
    }

    /// <summary>A retry re-sends the identical body, so event + body bytes identify a delivery (Saleor sends no delivery id).</summary>
    static string MessageKey(string saleorEvent, byte[] body)
    {
        var hash = SHA256.HashData([.. Encoding.UTF8.GetBytes(saleorEvent.ToLowerInvariant() + "\n"), .. body]);
        return Convert.ToHexStringLower(hash);
    }
}
