using Cmp.Primitives;

namespace Cmp.Stripe;

/// <summary>
/// The part of Stripe's REST API a merchant completing agentic checkouts needs. Stands in for Stripe.net (which does not
/// restore here) and stays replaceable by it. Every POST carries the caller's idempotency key, so it is safe to retry
/// with that key after any failure; failures are <see cref="Error"/> values (see <see cref="StripeErrors"/>).
/// </summary>
public interface IStripeClient
{
    Task<Result<PaymentIntent>> CreatePaymentIntentAsync(PaymentIntentCreate request, string idempotencyKey, CancellationToken ct);
    Task<Result<PaymentIntent>> ConfirmPaymentIntentAsync(string paymentIntentId, PaymentIntentConfirm request, string idempotencyKey, CancellationToken ct);
    Task<Result<PaymentIntent>> GetPaymentIntentAsync(string paymentIntentId, CancellationToken ct);
    Task<Result<PaymentIntent>> CancelPaymentIntentAsync(string paymentIntentId, string? reason, string idempotencyKey, CancellationToken ct);
    Task<Result<Refund>> CreateRefundAsync(RefundCreate request, string idempotencyKey, CancellationToken ct);
    Task<Result<GrantedToken>> GetGrantedTokenAsync(string tokenId, CancellationToken ct);
}
