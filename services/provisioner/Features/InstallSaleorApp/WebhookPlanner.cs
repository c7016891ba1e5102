using Cmp.Saleor.Client;
using Cmp.Saleor.Webhooks;

namespace Cmp.Provisioner.Features.InstallSaleorApp;

/// <summary>A webhook as the provisioner needs it: target, event and subscription query, active.</summary>
public sealed record DesiredWebhook(string Name, string TargetUrl, string AsyncEvent, string Query);

/// <summary>One webhook change: create (no id), update (id + what drifted), delete, or none.</summary>
public sealed record WebhookChange(string Name, WebhookAction Action, string? Id, DesiredWebhook? Desired, IReadOnlyList<string> Changes);

public enum WebhookAction
{
    Unchanged,
    Create,
    Update,
    Delete,
    /// <summary>Not a CMP webhook (no <c>cmp-</c> prefix): reported, left as is.</summary>
    Foreign,
}

/// <summary>
/// Pure diff between the webhooks the app has and the ones it should have, matched by name (the saleor/apps
/// webhook-utils approach: webhooks to add, to update, to remove). Only webhooks named <c>cmp-…</c> are removed.
/// </summary>
public static class WebhookPlanner
{
    public static IReadOnlyList<DesiredWebhook> Desired(Uri receiverBase, Func<string, string> query) =>
        SaleorWebhooks.All.Select(d => new DesiredWebhook(d.Name, d.TargetUrl(receiverBase).ToString(), d.AsyncEvent, query(d.SubscriptionOperation))).ToArray();

    public static IReadOnlyList<WebhookChange> Plan(IReadOnlyList<DesiredWebhook> desired, IReadOnlyList<SaleorWebhook> existing)
    {
        var plan = new List<WebhookChange>();
        foreach (var d in desired)
        {
            var current = existing.FirstOrDefault(w => w.Name == d.Name);
            if (current is null)
            {
                plan.Add(new WebhookChange(d.Name, WebhookAction.Create, null, d, [$"{d.AsyncEvent} → {d.TargetUrl}"]));
                continue;
            }
            var changes = new List<string>();
            if (current.TargetUrl != d.TargetUrl) changes.Add($"target {current.TargetUrl} → {d.TargetUrl}");
            if (!current.IsActive) changes.Add("activate");
            var events = current.AsyncEvents.Select(e => e.EventType).Order(StringComparer.Ordinal).ToArray();
            if (!events.SequenceEqual([d.AsyncEvent])) changes.Add($"events {(events.Length == 0 ? "none" : string.Join(", ", events))} → {d.AsyncEvent}");
            if (Normalize(current.SubscriptionQuery) != Normalize(d.Query)) changes.Add("subscription query updated");
            plan.Add(changes.Count == 0
                ? new WebhookChange(d.Name, WebhookAction.Unchanged, current.Id, d, [])
                : new WebhookChange(d.Name, WebhookAction.Update, current.Id, d, changes));
        }
        foreach (var w in existing.Where(w => desired.All(d => d.Name != w.Name)))
        {
            plan.Add(w.Name.StartsWith(SaleorWebhooks.NamePrefix, StringComparison.Ordinal)
                ? new WebhookChange(w.Name, WebhookAction.Delete, w.Id, null, ["no longer used by CMP"])
                : new WebhookChange(w.Name, WebhookAction.Foreign, w.Id, null, ["not managed by CMP, left as is"]));
        }
        return plan;
    }

    /// <summary>Whitespace differences are not drift (Saleor stores the query as sent).</summary>
    static string Normalize(string? query) => string.Join(' ', (query ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
