using System.Text.Json;
using System.Text.Json.Nodes;
using Cmp.AgentCommerce.Tests.Harness;
using Cmp.Gateway.Infrastructure.Commerce.Entities;
using Microsoft.EntityFrameworkCore;

namespace Cmp.AgentCommerce.Tests.Payments;

/// <summary>Completing with Stripe shared payment tokens against the Stripe simulator (stripe.md §2–3): PaymentIntents
/// created and confirmed with an idempotency key, declines, 3-D Secure, lost answers, limits checked before charging.
/// Each class gets its own simulator state through fresh tokens; assertions look only at this test's PaymentIntents.</summary>
public sealed class StripePaymentTests(CommerceWorld world)
{
    public static TheoryData<string> Versions => new() { "2025-09-29", "2026-04-17" };
    GatewayHost Gw => world.Gateway;

    static object PaySpt(string version, string spt, JsonObject? auth = null)
    {
        var body = (JsonObject)AcpBodies.Pay(version, spt, handler: "stripe_spt");
        if (auth is not null) body["authentication_result"] = auth;
        return body;
    }

    async Task<(AcpClient, AcpReply)> SessionAsync(string version, string sku = "CREDITS-500")
    {
        var acp = Gw.Acp(version);
        var s = await acp.CreateAsync(AcpBodies.Create(version, AcpBodies.Buyer(), AcpBodies.Address(), (sku, 1)));
        s.StatusText.Should().Be("ready_for_payment");
        return (acp, s);
    }

    async Task<IReadOnlyList<JsonElement>> IntentsOfAsync(string sessionId) =>
        (await world.Stripe.PaymentIntentsAsync()).Where(pi => pi.GetProperty("metadata").TryGetProperty("checkout_session_id", out var id) && id.GetString() == sessionId).ToArray();

    [Theory, MemberData(nameof(Versions))]
    public async Task A_shared_payment_token_pays_through_one_confirmed_PaymentIntent(string version)
    {
        var (acp, s) = await SessionAsync(version);
        var spt = await world.Stripe.GrantTokenAsync(maxAmount: s.Total);
        var done = await acp.CompleteAsync(s.Id, PaySpt(version, spt));
        done.StatusText.Should().Be("completed", done.Text);

        var intents = await IntentsOfAsync(s.Id);
        intents.Should().ContainSingle();
        intents[0].GetProperty("status").GetString().Should().Be("succeeded");
        intents[0].GetProperty("amount").GetInt64().Should().Be(s.Total, "exactly the session total");
        var request = (await world.Stripe.RequestsAsync()).Single(r => r.GetProperty("path").GetString() == "/v1/payment_intents"
            && r.GetProperty("params").TryGetProperty("metadata", out var m) && m.GetProperty("checkout_session_id").GetString() == s.Id);
        request.GetProperty("idempotencyKey").GetString().Should().Be($"acp-{s.Id}-pay-1", "every charge carries the attempt's key");
        var p = request.GetProperty("params");
        p.GetProperty("confirm").GetString().Should().Be("true");
        p.GetProperty("currency").GetString().Should().Be("usd");
        p.GetProperty("payment_method_data").GetProperty("shared_payment_granted_token").GetString().Should().Be(spt);
        (await world.Stripe.TokenAsync(spt)).GetProperty("usage_details").GetProperty("amount_captured").GetProperty("value").GetInt64().Should().Be(s.Total);
        (await Gw.SaleorTransactionsAsync(s.Id)).Should().Be(-1, "the checkout became an order (Saleor forgets it)");
        await using var db = Gw.Db();
        (await db.PaymentAttempts.SingleAsync(a => a.SessionId == s.Id)).PspReference.Should().Be(intents[0].GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("pm_card_visa_chargeDeclined", "generic_decline")]
    [InlineData("pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds")]
    public async Task A_declined_card_is_payment_declined_and_nothing_is_recorded(string paymentMethod, string decline)
    {
        var (acp, s) = await SessionAsync("2026-04-17");
        var spt = await world.Stripe.GrantTokenAsync(paymentMethod, maxAmount: 100_000);
        var r = await acp.CompleteAsync(s.Id, PaySpt("2026-04-17", spt));
        r.StatusText.Should().Be("ready_for_payment");
        r.Message("payment_declined").Should().NotBeNull();
        (await IntentsOfAsync(s.Id)).Single().GetProperty("status").GetString().Should().Be("requires_payment_method");
        (await Gw.SaleorTransactionsAsync(s.Id)).Should().Be(0);
        await using var db = Gw.Db();
        (await db.PaymentAttempts.SingleAsync(a => a.SessionId == s.Id)).FailureCode.Should().Be(decline);
    }

    [Fact]
    public async Task A_token_that_cannot_cover_the_total_or_was_revoked_is_refused_before_any_PaymentIntent()
    {
        var (acp, s) = await SessionAsync("2026-04-17");
        var small = await world.Stripe.GrantTokenAsync(maxAmount: s.Total - 1);
        (await acp.CompleteAsync(s.Id, PaySpt("2026-04-17", small))).Message("payment_declined").Should().NotBeNull();
        var revoked = await world.Stripe.GrantTokenAsync(maxAmount: 100_000);
        await world.Stripe.RevokeAsync(revoked);
        (await acp.CompleteAsync(s.Id, PaySpt("2026-04-17", revoked))).Message("payment_declined").GetProperty("content").GetString().Should().Contain("revoked");
        (await IntentsOfAsync(s.Id)).Should().BeEmpty("stripe.md §3.5: refuse locally what the token's limits forbid");
        (await Gw.SaleorTransactionsAsync(s.Id)).Should().Be(0);
    }

    [Fact]
    public async Task Three_d_secure_with_Stripe_confirms_the_same_PaymentIntent_with_the_agents_result()
    {
        var (acp, s) = await SessionAsync("2026-04-17");
        var spt = await world.Stripe.GrantTokenAsync("pm_card_threeDSecure2Required", maxAmount: 100_000);
        var challenge = await acp.CompleteAsync(s.Id, PaySpt("2026-04-17", spt));
        challenge.StatusText.Should().Be("authentication_required", challenge.Text);
        var pi = (await IntentsOfAsync(s.Id)).Single();
        pi.GetProperty("status").GetString().Should().Be("requires_action");

        var auth = new JsonObject
        {
            ["outcome"] = "authenticated",
            ["outcome_details"] = new JsonObject { ["three_ds_cryptogram"] = "AbCdEfGhIjKlMnOpQrStUvWxY0=", ["electronic_commerce_indicator"] = "05", ["transaction_id"] = "ds-1", ["version"] = "2.2.0" },
        };
        var done = await acp.CompleteAsync(s.Id, PaySpt("2026-04-17", spt, auth));
        done.StatusText.Should().Be("completed", done.Text);
        var intents = await IntentsOfAsync(s.Id);
        intents.Should().ContainSingle("the authenticated confirmation reuses the PaymentIntent");
        intents[0].GetProperty("status").GetString().Should().Be("succeeded");
        var confirm = (await world.Stripe.RequestsAsync()).Single(r => r.GetProperty("path").GetString() == $"/v1/payment_intents/{pi.GetProperty("id").GetString()}/confirm");
        confirm.GetProperty("params").GetProperty("payment_method_options").GetProperty("card").GetProperty("three_d_secure")
            .GetProperty("cryptogram").GetString().Should().Be("AbCdEfGhIjKlMnOpQrStUvWxY0=");
    }

    [Fact]
    public async Task In_2025_09_29_three_d_secure_is_refused_and_the_PaymentIntent_released()
    {
        var (acp, s) = await SessionAsync("2025-09-29");
        var spt = await world.Stripe.GrantTokenAsync("pm_card_threeDSecure2Required", maxAmount: 100_000);
        var r = await acp.CompleteAsync(s.Id, PaySpt("2025-09-29", spt));
        r.Message("requires_3ds").Should().NotBeNull();
        (await IntentsOfAsync(s.Id)).Single().GetProperty("status").GetString().Should().Be("canceled", "an authorisation that will not be used is released");
    }

    [Fact]
    public async Task When_Stripe_charges_but_the_answer_is_lost_the_retry_replays_the_charge_instead_of_charging_again()
    {
        var (acp, s) = await SessionAsync("2026-04-17");
        var spt = await world.Stripe.GrantTokenAsync(maxAmount: 100_000);
        // Stripe processes the charge, then every answer (and the client's own retries, replayed by Stripe) is a 500.
        await world.Stripe.FaultAsync(new { path = "^/v1/payment_intents$", status = 500, when = "after", count = 10 });
        try
        {
            var lost = await acp.CompleteAsync(s.Id, PaySpt("2026-04-17", spt));
            lost.Status.Should().Be(503, lost.Text);
            lost.Body.GetProperty("type").GetString().Should().Be("service_unavailable");
        }
        finally
        {
            await world.Stripe.ClearFaultsAsync();
        }
        var retried = await acp.CompleteAsync(s.Id, PaySpt("2026-04-17", spt));
        retried.StatusText.Should().Be("completed", retried.Text);
        (await IntentsOfAsync(s.Id)).Should().ContainSingle("one PaymentIntent whatever was retried");
        (await world.Stripe.TokenAsync(spt)).GetProperty("usage_details").GetProperty("amount_captured").GetProperty("value").GetInt64().Should().Be(s.Total,
            "charged once");
        await using var db = Gw.Db();
        (await db.PaymentAttempts.CountAsync(a => a.SessionId == s.Id)).Should().Be(1, "the same attempt, resent with its key");
        (await db.PaymentAttempts.SingleAsync(a => a.SessionId == s.Id)).Status.Should().Be(AttemptStatus.Succeeded);
    }
}
