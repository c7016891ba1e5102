using System.Net;
using Cmp.Hosting.Http;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Cmp.Runner.Infrastructure.Langflow;

/// <summary>
/// The Langflow client's pipeline, outer to inner: total timeout, retry, circuit breaker, attempt timeout (all from
/// <c>Http:langflow</c>). It differs from the default CMP pipeline in two ways, both because of what a 5xx means here:
/// <list type="bullet">
/// <item>The breaker counts only signs that Langflow itself is unwell (no connection, timeouts, 502/503/504). A 500
/// from Langflow is a flow's component failing (a tenant's bad model key, say): counting those would let one broken
/// flow pause every tenant's runs.</item>
/// <item>A run (POST) is retried only when the connection could not even be established, so Langflow cannot have
/// seen the request. Any later failure might mean the flow ran, and a run is not idempotent.</item>
/// </list>
/// GET, PUT and DELETE (flow management, health) are retried on every transient failure.
/// </summary>
public static class LangflowResilience
{
    internal static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("cmp.langflow.request");

    public static ResiliencePipeline<HttpResponseMessage> Create(string name, HttpResilienceOptions o) =>
        new ResiliencePipelineBuilder<HttpResponseMessage> { Name = name }
            .AddTimeout(o.TotalTimeout)
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = Math.Max(o.MaxRetries, 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = o.BaseDelay,
                ShouldHandle = a => ValueTask.FromResult(o.MaxRetries > 0
                    && a.Context.Properties.TryGetValue(RequestKey, out var request) && MayRetry(request.Method, a.Outcome)),
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = o.FailureRatio,
                MinimumThroughput = o.MinimumThroughput,
                SamplingDuration = o.SamplingDuration,
                BreakDuration = o.BreakDuration,
                ShouldHandle = a => ValueTask.FromResult(IsUnavailable(a.Outcome)),
            })
            .AddTimeout(o.AttemptTimeout)
            .Build();

    /// <summary>Whether an attempt with this outcome may be repeated.</summary>
    public static bool MayRetry(HttpMethod method, Outcome<HttpResponseMessage> outcome)
    {
        if (method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Put || method == HttpMethod.Delete)
            return ResiliencePipelines.IsTransient(outcome);
        return NothingWasSent(outcome.Exception);
    }

    /// <summary>
    /// True only for failures to establish the connection (refused, unreachable, DNS, connect timeout):
    /// SocketsHttpHandler reports these as <see cref="HttpRequestError.ConnectionError"/> /
    /// <see cref="HttpRequestError.NameResolutionError"/>, or for its ConnectTimeout as a cancellation caused by a
    /// <see cref="TimeoutException"/>, before it writes a byte of the request. A reset, a response timeout or an early
    /// close after connecting is not included.
    /// </summary>
    public static bool NothingWasSent(Exception? e) =>
        e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError }
        || IsConnectTimeout(e);

    /// <summary>SocketsHttpHandler's ConnectTimeout (the client's own Timeout is infinite, so nothing else looks like this).</summary>
    public static bool IsConnectTimeout(Exception? e) => e is TaskCanceledException { InnerException: TimeoutException };

    /// <summary>Failures that say Langflow (not a flow) is in trouble.</summary>
    public static bool IsUnavailable(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is HttpRequestException or TimeoutRejectedException
        || outcome.Result is { StatusCode: HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout };
}

/// <summary>Runs each Langflow request through the pipeline (one pipeline per client, so breaker state survives handler rotation).</summary>
public sealed class LangflowResilienceHandler(ResiliencePipeline<HttpResponseMessage> pipeline) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var context = ResilienceContextPool.Shared.Get(ct);
        context.Properties.Set(LangflowResilience.RequestKey, request);
        try
        {
            return await pipeline.ExecuteAsync(
                static (c, s) => new ValueTask<HttpResponseMessage>(s.Self.SendInner(s.Request, c.CancellationToken)),
                context, (Self: this, Request: request));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    Task<HttpResponseMessage> SendInner(HttpRequestMessage request, CancellationToken ct) => base.SendAsync(request, ct);
}
