using Microsoft.Extensions.Options;

namespace Cmp.Runner.Infrastructure.Langflow;

/// <summary>
/// Puts the API key on every Langflow request as <c>x-api-key</c>, the only header Langflow's <c>/run</c> reads
/// (a Bearer token there is silently ignored and answered 403). Any Authorization header is removed so the key
/// never travels twice and no CMP token ever reaches Langflow.
/// </summary>
public sealed class LangflowApiKeyHandler(IOptionsMonitor<LangflowOptions> options) : DelegatingHandler
{
    public const string Header = "x-api-key";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        request.Headers.Authorization = null;
        request.Headers.Remove(Header);
        request.Headers.TryAddWithoutValidation(Header, options.CurrentValue.ApiKey);
        return base.SendAsync(request, ct);
    }
}
