using System.Net;
using Cmp.Hosting.Http;
using Polly;
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
    public static readonly ResiliencePolicy Policy = new(MayRetry, IsUnavailable);

    public static ResiliencePipeline<HttpResponseMessage> Create(string name, HttpResilienceOptions o) => ResiliencePipelines.Create(name, o, Policy);

    static bool MayRetry(HttpRequestMessage request, Outcome<HttpResponseMessage> outcome) => MayRetry(request.Method, outcome);

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
