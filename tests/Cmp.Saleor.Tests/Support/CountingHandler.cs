namespace Cmp.Saleor.Tests.Support;

/// <summary>Counts the HTTP requests that actually leave the client (after the resilience pipeline).</summary>
public sealed class CountingHandler() : DelegatingHandler(new SocketsHttpHandler { AllowAutoRedirect = false })
{
    int _count;

    public int Count => Volatile.Read(ref _count);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        Interlocked.Increment(ref _count);
        return base.SendAsync(request, ct);
    }
}
