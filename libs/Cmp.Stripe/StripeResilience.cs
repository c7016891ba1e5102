using System.Net;
using Cmp.Hosting.Http;
using Polly;
using Polly.Timeout;

namespace Cmp.Stripe;

/// <summary>
/// Stripe's retry rules, as its official SDKs apply them (stripe.md §1.7): retry connection failures, timeouts, 409
/// (the same idempotency key still in flight) and 5xx; a plain 429 only when Stripe says so; and whenever Stripe sends
/// <c>Stripe-Should-Retry</c>, obey it. Every POST carries an idempotency key, so a retry can never charge twice.
/// Outer to inner: total timeout, retry, circuit breaker (counts outages only), attempt timeout.
/// </summary>
public static class StripeResilience
{
    /// <summary>The default pipeline (Cmp.Hosting) with Stripe's retry rule in place of "idempotent requests only".</summary>
    public static ResiliencePipeline<HttpResponseMessage> Create(HttpResilienceOptions o) =>
        ResiliencePipelines.Create(StripeRegistration.HttpClientName, o,
            new ResiliencePolicy((_, outcome) => ShouldRetry(outcome), ResiliencePipelines.IsOutage));

    public static bool ShouldRetry(Outcome<HttpResponseMessage> outcome)
    {
        if (outcome.Exception is HttpRequestException or TimeoutRejectedException) return true;
        if (outcome.Result is not { } response) return false;
        if (response.Headers.TryGetValues("Stripe-Should-Retry", out var values))
            return string.Equals(values.FirstOrDefault(), "true", StringComparison.OrdinalIgnoreCase);
        return response.StatusCode is HttpStatusCode.Conflict || (int)response.StatusCode >= 500;
    }
}
