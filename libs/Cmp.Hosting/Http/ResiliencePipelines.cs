using System.Net;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Cmp.Hosting.Http;

/// <summary>What a client may retry and what counts against its circuit breaker.</summary>
/// <param name="MayRetry">Whether a request whose attempt ended so may be sent again.</param>
/// <param name="IsOutage">Whether an outcome says the dependency itself is unwell (counted by the breaker).</param>
public sealed record ResiliencePolicy(
    Func<HttpRequestMessage, Outcome<HttpResponseMessage>, bool> MayRetry,
    Func<Outcome<HttpResponseMessage>, bool> IsOutage)
{
    /// <summary>Transient failures of idempotent requests are retried; outages open the circuit.</summary>
    public static readonly ResiliencePolicy Default = new(
        (request, outcome) => ResiliencePipelines.IsTransient(outcome) && ResiliencePipelines.IsIdempotent(request),
        ResiliencePipelines.IsOutage);
}

/// <summary>
/// The default pipeline for outbound HTTP, outer to inner: total timeout, retry (idempotent requests only,
/// exponential backoff with jitter, honouring Retry-After), circuit breaker, per-attempt timeout.
/// Stands in for Microsoft.Extensions.Http.Resilience, which does not restore here.
/// </summary>
public static class ResiliencePipelines
{
    public static ResiliencePipeline<HttpResponseMessage> Create(string name, HttpResilienceOptions o, ResiliencePolicy? policy = null)
    {
        policy ??= ResiliencePolicy.Default;
        return new ResiliencePipelineBuilder<HttpResponseMessage> { Name = name }
            .AddTimeout(o.TotalTimeout)
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = Math.Max(o.MaxRetries, 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = o.BaseDelay,
                MaxDelay = o.MaxDelay,
                ShouldHandle = a => ValueTask.FromResult(o.MaxRetries > 0
                    && a.Context.Properties.TryGetValue(ResilienceHandler.RequestKey, out var request) && policy.MayRetry(request, a.Outcome)),
                DelayGenerator = a => ValueTask.FromResult(RetryAfter(a.Outcome.Result)),
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = o.FailureRatio,
                MinimumThroughput = o.MinimumThroughput,
                SamplingDuration = o.SamplingDuration,
                BreakDuration = o.BreakDuration,
                ShouldHandle = a => ValueTask.FromResult(policy.IsOutage(a.Outcome)),
            })
            .AddTimeout(o.AttemptTimeout)
            .Build();
    }

    public static bool IsTransient(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is HttpRequestException or TimeoutRejectedException
        || outcome.Result is { StatusCode: HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests }
        || outcome.Result is { StatusCode: >= HttpStatusCode.InternalServerError };

    /// <summary>
    /// What the circuit breaker counts: the dependency being unreachable, too slow, or saying it is unavailable.
    /// A 500 or 502 is one request failing (e.g. one tenant's broken flow behind the runner); counting those would let
    /// one caller's failures cut everyone off from a healthy dependency.
    /// </summary>
    public static bool IsOutage(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is HttpRequestException or TimeoutRejectedException
        || outcome.Result is { StatusCode: HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout };

    /// <summary>Retrying a non-idempotent POST could do the work twice; only retry what is safe to repeat.</summary>
    public static bool IsIdempotent(HttpRequestMessage request)
    {
        var m = request.Method;
        return m == HttpMethod.Get || m == HttpMethod.Head || m == HttpMethod.Options || m == HttpMethod.Put
            || m == HttpMethod.Delete || m == HttpMethod.Trace || request.Headers.Contains("Idempotency-Key")
            || request.Options.TryGetValue(ResilienceHandler.Idempotent, out var idempotent) && idempotent;
    }

    /// <summary>A server's Retry-After wins over our backoff, within reason.</summary>
    static TimeSpan? RetryAfter(HttpResponseMessage? response)
    {
        var ra = response?.Headers.RetryAfter;
        var delay = ra?.Delta ?? (ra?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        return delay is { } d && d > TimeSpan.Zero ? TimeSpan.FromTicks(Math.Min(d.Ticks, TimeSpan.FromSeconds(30).Ticks)) : null;
    }
}
