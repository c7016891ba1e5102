using Polly;

namespace Cmp.Hosting.Http;

/// <summary>Runs each outbound request through the client's pipeline (one pipeline per client name, so the
/// circuit breaker's state survives handler rotation).</summary>
public sealed class ResilienceHandler(ResiliencePipeline<HttpResponseMessage> pipeline) : DelegatingHandler
{
    internal static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("cmp.request");

    /// <summary>Mark a request without an Idempotency-Key header as safe to retry (e.g. a GraphQL query sent by POST).</summary>
    public static readonly HttpRequestOptionsKey<bool> Idempotent = new("cmp.idempotent");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var context = ResilienceContextPool.Shared.Get(ct);
        context.Properties.Set(RequestKey, request);
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
