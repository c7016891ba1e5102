using Cmp.Hosting.Http;
using Cmp.Saleor.GraphQL;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cmp.Saleor.Client;

/// <summary>A Saleor client without dependency injection, for command-line tools (the installer runs before any
/// host is built). Same pipeline as the DI client: total and per-attempt timeouts, retries for queries, breaker.</summary>
public static class SaleorClientFactory
{
    public static ISaleorClient Create(Uri apiUrl, string? token = null, HttpResilienceOptions? resilience = null,
        ILogger? logger = null, HttpMessageHandler? primaryHandler = null, SaleorOperations? operations = null)
    {
        var pipeline = ResiliencePipelines.Create(SaleorRegistration.HttpClientName, resilience ?? new HttpResilienceOptions());
        var handler = new ResilienceHandler(pipeline) { InnerHandler = primaryHandler ?? SaleorRegistration.PrimaryHandler() };
        var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        return new SaleorClient(() => http, apiUrl, token, operations ?? SaleorOperations.Default, logger ?? NullLogger.Instance);
    }
}
