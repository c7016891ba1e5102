using Cmp.AgentCommerce.Tests.Harness;
using Cmp.Hosting.Http;
using Cmp.Primitives;
using Cmp.Stripe;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cmp.AgentCommerce.Tests.Payments;

/// <summary>Cmp.Stripe against the Stripe simulator: form encoding, errors as values, retries by Stripe's rules.</summary>
public sealed class StripeClientTests(CommerceWorld world)
{
    IStripeClient Client(string key = StripeSimulator.SecretKey, int retries = 2)
    {
        var options = new StripeOptions { ApiBase = world.Stripe.Url, SecretKey = key };
        var pipeline = StripeResilience.Create(new HttpResilienceOptions { MaxRetries = retries, BaseDelay = TimeSpan.FromMilliseconds(10), MinimumThroughput = 100 });
        var http = new HttpClient(new ResilienceHandler(pipeline) { InnerHandler = new SocketsHttpHandler() });
        return new StripeClient(() => http, options, NullLogger<StripeClient>.Instance);
    }

    [Fact]
    public async Task Create_sends_form_encoded_nested_parameters_and_the_idempotency_key()
    {
        var key = Guid.NewGuid().ToString();
        var r = await Client().CreatePaymentIntentAsync(new PaymentIntentCreate(1234, "USD", new StripeCredential.PaymentMethod("pm_card_visa"))
        {
            Metadata = new Dictionary<string, string> { ["order"] = "42", ["checkout_session_id"] = "cs_form" },
        }, key, CancellationToken.None);
        r.IsSuccess.Should().BeTrue(r.ToString());
        r.Value.Status.Should().Be(PaymentIntent.Succeeded);
        r.Value.Currency.Should().Be("usd", "currencies go lower-case");
        var sent = (await world.Stripe.RequestsAsync()).Last(x => x.GetProperty("idempotencyKey").GetString() == key);
        var p = sent.GetProperty("params");
        p.GetProperty("metadata").GetProperty("order").GetString().Should().Be("42");
        p.GetProperty("automatic_payment_methods").GetProperty("allow_redirects").GetString().Should().Be("never", "no return URL: no redirect methods");
        p.GetProperty("capture_method").GetString().Should().Be("automatic", "sent explicitly");
    }

    [Fact]
    public async Task A_decline_is_a_PaymentRequired_error_carrying_the_PaymentIntent()
    {
        var r = await Client().CreatePaymentIntentAsync(new PaymentIntentCreate(500, "usd", new StripeCredential.PaymentMethod("pm_card_visa_chargeDeclined")),
            Guid.NewGuid().ToString(), CancellationToken.None);
        r.IsSuccess.Should().BeFalse();
        r.Error!.Kind.Should().Be(ErrorKind.PaymentRequired);
        r.Error.IsCardDecline().Should().BeTrue();
        r.Error.StripeError()!.DeclineCode.Should().Be("generic_decline");
        r.Error.FailedPaymentIntent()!.Id.Should().StartWith("pi_", "the PaymentIntent exists even though the card was declined (stripe.md §2.5)");
    }

    [Fact]
    public async Task A_wrong_key_is_Unauthorized_and_other_parameters_under_a_key_an_idempotency_error()
    {
        var bad = await Client("sk_live_nope").GetPaymentIntentAsync("pi_x", CancellationToken.None);
        bad.Error!.Kind.Should().Be(ErrorKind.Unauthorized);
        var key = Guid.NewGuid().ToString();
        var client = Client();
        (await client.CreatePaymentIntentAsync(new PaymentIntentCreate(100, "usd", new StripeCredential.PaymentMethod("pm_card_visa")), key, CancellationToken.None)).IsSuccess.Should().BeTrue();
        var other = await client.CreatePaymentIntentAsync(new PaymentIntentCreate(200, "usd", new StripeCredential.PaymentMethod("pm_card_visa")), key, CancellationToken.None);
        other.Error!.StripeError()!.Type.Should().Be(StripeErrorBody.IdempotencyError);
        other.Error!.Kind.Should().Be(ErrorKind.Validation, "never retried: a bug in the caller");
    }

    [Fact]
    public async Task Transient_failures_are_retried_with_the_same_key_and_Stripe_Should_Retry_false_stops_retries()
    {
        var client = Client(retries: 3);
        var path = "^/v1/refunds$";
        var pi = (await client.CreatePaymentIntentAsync(new PaymentIntentCreate(900, "usd", new StripeCredential.PaymentMethod("pm_card_visa")),
            Guid.NewGuid().ToString(), CancellationToken.None)).Value;
        await world.Stripe.FaultAsync(new { path, status = 503, count = 2 });
        var key = Guid.NewGuid().ToString();
        var refund = await client.CreateRefundAsync(new RefundCreate(pi.Id) { Amount = 100 }, key, CancellationToken.None);
        refund.IsSuccess.Should().BeTrue(refund.ToString());
        (await world.Stripe.RequestsAsync()).Count(r => r.GetProperty("idempotencyKey").GetString() == key).Should().Be(3, "two 503s, then success, one key");

        await world.Stripe.FaultAsync(new { path, status = 500, count = 3, shouldRetry = false });
        var stop = Guid.NewGuid().ToString();
        var once = await client.CreateRefundAsync(new RefundCreate(pi.Id) { Amount = 100 }, stop, CancellationToken.None);
        once.Error!.Kind.Should().Be(ErrorKind.Transient);
        (await world.Stripe.RequestsAsync()).Count(r => r.GetProperty("idempotencyKey").GetString() == stop).Should().Be(1, "Stripe said not to retry");
        await world.Stripe.ClearFaultsAsync();
    }

    [Fact]
    public async Task Shared_payment_tokens_are_read_with_their_limits()
    {
        var spt = await world.Stripe.GrantTokenAsync(maxAmount: 2500);
        var t = (await Client().GetGrantedTokenAsync(spt, CancellationToken.None)).Value;
        t.UsageLimits!.MaxAmount.Should().Be(2500);
        t.Remaining.Should().Be(2500);
        t.PaymentMethodDetails!.Card!.Brand.Should().Be("visa");
    }
}
