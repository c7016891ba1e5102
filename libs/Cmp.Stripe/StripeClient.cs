using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Cmp.Hosting.Http;
using Cmp.Primitives;
using Microsoft.Extensions.Logging;

namespace Cmp.Stripe;

/// <summary>
/// <see cref="IStripeClient"/> over a resilient HttpClient (<see cref="StripeRegistration.HttpClientName"/>). Logs the
/// method, path, status, Stripe's request id and the duration; never a body (bodies carry payment tokens).
/// </summary>
public sealed class StripeClient(Func<HttpClient> http, StripeOptions options, ILogger<StripeClient> logger) : IStripeClient
{
    public Task<Result<PaymentIntent>> CreatePaymentIntentAsync(PaymentIntentCreate request, string idempotencyKey, CancellationToken ct)
    {
        var form = new StripeForm()
            .Add("amount", request.Amount)
            .Add("currency", request.Currency.ToLowerInvariant())
            .Add("confirm", true)
            .Add("capture_method", request.CaptureMethod);
        switch (request.Credential)
        {
            case StripeCredential.SharedPaymentToken spt: form.Add(options.SharedTokenParameter, spt.Token); break;
            case StripeCredential.PaymentMethod pm: form.Add("payment_method", pm.Id); break;
            case StripeCredential.CardToken tok: form.Add("payment_method_data[type]", "card").Add("payment_method_data[card][token]", tok.Token); break;
        }
        AddConfirmation(form, request.ThreeDSecure, request.ReturnUrl);
        form.Add("description", request.Description).AddMap("metadata", request.Metadata);
        return SendAsync<PaymentIntent>(HttpMethod.Post, "/v1/payment_intents", form, idempotencyKey, ct);
    }

    public Task<Result<PaymentIntent>> ConfirmPaymentIntentAsync(string paymentIntentId, PaymentIntentConfirm request, string idempotencyKey, CancellationToken ct)
    {
        var form = new StripeForm();
        AddConfirmation(form, request.ThreeDSecure, request.ReturnUrl, confirmingExisting: true);
        return SendAsync<PaymentIntent>(HttpMethod.Post, $"/v1/payment_intents/{Uri.EscapeDataString(paymentIntentId)}/confirm", form, idempotencyKey, ct);
    }

    public Task<Result<PaymentIntent>> GetPaymentIntentAsync(string paymentIntentId, CancellationToken ct) =>
        SendAsync<PaymentIntent>(HttpMethod.Get, $"/v1/payment_intents/{Uri.EscapeDataString(paymentIntentId)}", null, null, ct);

    public Task<Result<PaymentIntent>> CancelPaymentIntentAsync(string paymentIntentId, string? reason, string idempotencyKey, CancellationToken ct) =>
        SendAsync<PaymentIntent>(HttpMethod.Post, $"/v1/payment_intents/{Uri.EscapeDataString(paymentIntentId)}/cancel",
            new StripeForm().Add("cancellation_reason", reason), idempotencyKey, ct);

    public Task<Result<Refund>> CreateRefundAsync(RefundCreate request, string idempotencyKey, CancellationToken ct) =>
        SendAsync<Refund>(HttpMethod.Post, "/v1/refunds", new StripeForm()
            .Add("payment_intent", request.PaymentIntent)
            .Add("amount", request.Amount)
            .Add("reason", request.Reason)
            .AddMap("metadata", request.Metadata), idempotencyKey, ct);

    public Task<Result<GrantedToken>> GetGrantedTokenAsync(string tokenId, CancellationToken ct) =>
        SendAsync<GrantedToken>(HttpMethod.Get, $"/v1/shared_payment/granted_tokens/{Uri.EscapeDataString(tokenId)}", null, null, ct);

    /// <summary>Without a return URL a confirmation must not pick a redirect-based method (stripe.md §2.2).</summary>
    static void AddConfirmation(StripeForm form, ExternalThreeDSecure? threeDs, string? returnUrl, bool confirmingExisting = false)
    {
        if (returnUrl is not null) form.Add("return_url", returnUrl);
        else if (!confirmingExisting) form.Add("automatic_payment_methods[enabled]", true).Add("automatic_payment_methods[allow_redirects]", "never");
        if (threeDs is null) return;
        const string p = "payment_method_options[card][three_d_secure]";
        form.Add($"{p}[cryptogram]", threeDs.Cryptogram)
            .Add($"{p}[electronic_commerce_indicator]", threeDs.ElectronicCommerceIndicator)
            .Add($"{p}[transaction_id]", threeDs.TransactionId)
            .Add($"{p}[version]", threeDs.Version);
    }

    async Task<Result<T>> SendAsync<T>(HttpMethod method, string path, StripeForm? form, string? idempotencyKey, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        using var request = new HttpRequestMessage(method, new Uri(options.ApiBase, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.SecretKey);
        request.Headers.TryAddWithoutValidation("Stripe-Version", options.ApiVersion);
        if (idempotencyKey is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        if (form is not null) request.Content = form.ToContent();
        try
        {
            using var response = await http().SendAsync(request, ct);
            var requestId = response.Headers.TryGetValues("Request-Id", out var ids) ? ids.FirstOrDefault() : null;
            var status = (int)response.StatusCode;
            logger.LogInformation("Stripe {Method} {Path} answered {Status} ({StripeRequestId}) in {ElapsedMs:F0} ms",
                method.Method, path, status, requestId, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (response.IsSuccessStatusCode)
            {
                var value = await response.Content.ReadFromJsonAsync<T>(StripeJson.Options, ct);
                return value is null ? Error.Permanent("stripe_bad_response", $"Stripe answered {status} with an empty body.") : value;
            }
            StripeErrorBody? body = null;
            try { body = (await response.Content.ReadFromJsonAsync<StripeErrorEnvelope>(StripeJson.Options, ct))?.Error; }
            catch (Exception e) when (e is JsonException or NotSupportedException) { }
            return StripeErrors.From(status, body, requestId);
        }
        catch (Exception e) when (RemoteErrors.IsTransport(e) && !ct.IsCancellationRequested)
        {
            logger.LogWarning("Stripe {Method} {Path} failed after {ElapsedMs:F0} ms: {Failure}", method.Method, path,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds, e.GetType().Name);
            return RemoteErrors.FromException(e, "stripe");
        }
        catch (JsonException e)
        {
            return Error.Permanent("stripe_bad_response", $"Stripe's answer could not be read: {e.Message}");
        }
    }
}
