using Cmp.Primitives;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Cmp.Saleor.Webhooks;

/// <summary>The one call a webhook endpoint makes: read the raw body (bounded) and verify it.</summary>
public static class SaleorWebhookHttp
{
    /// <summary>
    /// Reads the request body as bytes (never through model binding: Saleor's Python <c>json.dumps</c> body does not
    /// survive re-serialisation) and verifies it with the registered <see cref="SaleorWebhookVerifier"/>
    /// (<c>AddSaleorWebhookVerification</c>). Map a failure with <c>ErrorProblems</c>: 4xx for refusals, 503 for
    /// Transient errors so Saleor retries.
    /// </summary>
    public static async Task<Result<VerifiedSaleorWebhook>> VerifySaleorWebhookAsync(this HttpRequest request, CancellationToken ct = default)
    {
        var verifier = request.HttpContext.RequestServices.GetRequiredService<SaleorWebhookVerifier>();
        var body = await ReadBodyAsync(request, verifier.MaxBodyBytes, ct);
        if (!body.TryGetValue(out var bytes, out var error)) return error;
        return await verifier.VerifyAsync(SaleorWebhookRequest.FromHeaders(request.Headers, bytes), ct);
    }

    static async Task<Result<byte[]>> ReadBodyAsync(HttpRequest request, int max, CancellationToken ct)
    {
        if (request.ContentLength > max) return TooLarge(max);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > max) return TooLarge(max);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    static Error TooLarge(int max) => Error.Validation(SaleorWebhookErrors.BodyTooLarge, $"The body exceeds {max} bytes.");
}
