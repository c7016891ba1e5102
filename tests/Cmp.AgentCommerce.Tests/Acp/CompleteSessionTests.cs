using Cmp.AgentCommerce.Tests.Harness;
using Cmp.Gateway.Features.Payments;
using Cmp.Gateway.Features.Payments.TestPsp;
using Cmp.Gateway.Infrastructure.Commerce.Entities;
using Cmp.Primitives;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cmp.AgentCommerce.Tests.Acp;

/// <summary>POST /checkout_sessions/{id}/complete with the test PSP (conformance checklist F, 55–67; delegated payment
/// enforcement, acp.md §11.2): every refusal leaves nothing charged and nothing recorded in Saleor.</summary>
public sealed class CompleteSessionTests(CommerceWorld world)
{
    public static TheoryData<string> Versions => new() { "2025-09-29", "2026-04-17" };
    GatewayHost Gw => world.Gateway;

    async Task<(AcpClient Acp, AcpReply Session)> ReadySessionAsync(string version, string sku = "CREDITS-100")
    {
        var acp = Gw.Acp(version);
        var created = await acp.CreateAsync(AcpBodies.Create(version, AcpBodies.Buyer(), AcpBodies.Address(), (sku, 1)));
        created.StatusText.Should().Be("ready_for_payment", created.Text);
        return (acp, created);
    }

    async Task AssertNothingChargedAsync(string sessionId)
    {
        await using var db = Gw.Db();
        (await db.TestPspCharges.CountAsync(c => c.CheckoutSessionId == sessionId && c.Status == TestChargeStatus.Succeeded)).Should().Be(0, "nothing was charged");
        (await db.PaymentAttempts.CountAsync(a => a.SessionId == sessionId && a.Status == AttemptStatus.Succeeded)).Should().Be(0);
        (await Gw.SaleorTransactionsAsync(sessionId)).Should().Be(0, "no Saleor transaction");
    }

    async Task<AcpReply> DeclinedAsync(string version, AcpClient acp, AcpReply session, object delegateBody)
    {
        var vt = (await acp.DelegateAsync(delegateBody)).Id;
        var r = await acp.CompleteAsync(session.Id, AcpBodies.Pay(version, vt));
        r.Status.Should().Be(200, "a decline is a valid session with a message (the documented choice for checklist 60/123)");
        r.StatusText.Should().Be("ready_for_payment", "checklist 60");
        r.Body.TryGetProperty("order", out _).Should().BeFalse("no order");
        r.Message("payment_declined").GetProperty("type").GetString().Should().Be("error");
        await AssertNothingChargedAsync(session.Id);
        return r;
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task A_total_over_the_allowance_is_declined(string version)
    {
        var (acp, s) = await ReadySessionAsync(version, "CSA-PRO");
        var r = await DeclinedAsync(version, acp, s, AcpBodies.Delegate(s.Id, s.Total - 1));
        r.Message("payment_declined").GetProperty("content").GetString().Should().Contain("max_amount");
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task A_token_for_another_session_is_declined(string version)
    {
        var (acp, s) = await ReadySessionAsync(version);
        await DeclinedAsync(version, acp, s, AcpBodies.Delegate("cs_someone_else", 100_000));
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task A_token_for_another_merchant_or_currency_is_declined(string version)
    {
        var (acp, s) = await ReadySessionAsync(version);
        await DeclinedAsync(version, acp, s, AcpBodies.Delegate(s.Id, 100_000, merchantId: "another-merchant"));
        await DeclinedAsync(version, acp, s, AcpBodies.Delegate(s.Id, 100_000, currency: "eur"));
    }

    [Fact]
    public async Task An_expired_allowance_is_declined()
    {
        var (acp, s) = await ReadySessionAsync("2026-04-17");
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(2);
        var vt = (await acp.DelegateAsync(AcpBodies.Delegate(s.Id, 100_000, expiresAt: expiresAt))).Id;
        await Cmp.Testing.Poller.UntilAsync(() => Task.FromResult(DateTimeOffset.UtcNow > expiresAt.AddMilliseconds(200)), "the allowance to expire",
            TimeSpan.FromSeconds(10));
        var r = await acp.CompleteAsync(s.Id, AcpBodies.Pay("2026-04-17", vt));
        r.Message("payment_declined").GetProperty("content").GetString().Should().Contain("expired");
        await AssertNothingChargedAsync(s.Id);
    }

    [Theory]
    [InlineData("4000000000000002", "generic_decline")]
    [InlineData("4000000000009995", "insufficient_funds")]
    public async Task A_card_the_issuer_declines_is_declined_and_the_session_can_be_paid_with_another(string number, string reason)
    {
        var (acp, s) = await ReadySessionAsync("2026-04-17");
        var r = await DeclinedAsync("2026-04-17", acp, s, AcpBodies.Delegate(s.Id, 100_000, number: number));
        r.Message("payment_declined").GetProperty("content").GetString().Should().Contain(reason);
        var vt = (await acp.DelegateAsync(AcpBodies.Delegate(s.Id, 100_000))).Id;
        (await acp.CompleteAsync(s.Id, AcpBodies.Pay("2026-04-17", vt))).StatusText.Should().Be("completed");
    }

    [Fact]
    public async Task A_vault_token_pays_once_whatever_runs_concurrently()
    {
        var (acp, s) = await ReadySessionAsync("2026-04-17");
        var vt = (await acp.DelegateAsync(AcpBodies.Delegate(s.Id, 100_000))).Id;
        var psp = Gw.Service.Services.GetServices<IPaymentProvider>().OfType<TestPspProvider>().Single();
        var charges = await Task.WhenAll(Enumerable.Range(0, 5).Select(i =>
            psp.ChargeAsync(new ChargeRequest(s.Id, new Money(1000, "USD"), vt, $"reuse-{s.Id}-{i}", CommerceWorld.MerchantId, null, null), CancellationToken.None)));
        charges.OfType<ChargeOutcome.Succeeded>().Should().ContainSingle("a token is single use (checklist 109)");
        charges.OfType<ChargeOutcome.Declined>().Should().HaveCount(4).And.OnlyContain(d => d.Code == "token_already_used");
        var again = await psp.ChargeAsync(new ChargeRequest(s.Id, new Money(1000, "USD"), vt, $"reuse-{s.Id}-late", CommerceWorld.MerchantId, null, null), CancellationToken.None);
        again.Should().BeOfType<ChargeOutcome.Declined>().Which.Code.Should().Be("token_already_used");
    }

    [Fact]
    public async Task Three_d_secure_in_2026_04_17_asks_for_authentication_then_completes_with_the_result()
    {
        var (acp, s) = await ReadySessionAsync("2026-04-17");
        var vt = (await acp.DelegateAsync(AcpBodies.Delegate(s.Id, 100_000, number: "4000000000003220"))).Id;
        var challenge = await acp.CompleteAsync(s.Id, AcpBodies.Pay("2026-04-17", vt));
        challenge.Status.Should().Be(200);
        challenge.StatusText.Should().Be("authentication_required");
        var meta = challenge.Body.GetProperty("authentication_metadata");
        meta.GetProperty("directory_server").GetString().Should().Be("visa", "checklist 62");
        meta.GetProperty("acquirer_details").GetProperty("acquirer_bin").GetString().Should().NotBeNullOrEmpty();
        (await acp.GetAsync(s.Id)).StatusText.Should().Be("authentication_required");

        var without = await acp.CompleteAsync(s.Id, AcpBodies.Pay("2026-04-17", vt));
        without.Status.Should().Be(400, "checklist 63");
        without.Code.Should().Be("requires_3ds");
        without.Body.GetProperty("param").GetString().Should().Be("$.authentication_result");

        var body = (System.Text.Json.Nodes.JsonObject)AcpBodies.Pay("2026-04-17", vt);
        body["authentication_result"] = new System.Text.Json.Nodes.JsonObject { ["outcome"] = "authenticated" };
        var noDetails = await acp.CompleteAsync(s.Id, body);
        noDetails.Status.Should().Be(400, "checklist 64");
        noDetails.Body.GetProperty("param").GetString().Should().Be("$.authentication_result.outcome_details");

        body["authentication_result"] = ThreeDs("authenticated");
        var done = await acp.CompleteAsync(s.Id, body);
        done.StatusText.Should().Be("completed", done.Text);
        await using var db = Gw.Db();
        (await db.TestPspCharges.CountAsync(c => c.CheckoutSessionId == s.Id && c.Status == TestChargeStatus.Succeeded)).Should().Be(1);
    }

    [Fact]
    public async Task A_refused_authentication_declines_and_the_session_is_payable_again()
    {
        var (acp, s) = await ReadySessionAsync("2026-04-17");
        var vt = (await acp.DelegateAsync(AcpBodies.Delegate(s.Id, 100_000, number: "4000000000003220"))).Id;
        (await acp.CompleteAsync(s.Id, AcpBodies.Pay("2026-04-17", vt))).StatusText.Should().Be("authentication_required");
        var body = (System.Text.Json.Nodes.JsonObject)AcpBodies.Pay("2026-04-17", vt);
        body["authentication_result"] = new System.Text.Json.Nodes.JsonObject { ["outcome"] = "denied" };
        var r = await acp.CompleteAsync(s.Id, body);
        r.StatusText.Should().Be("ready_for_payment");
        r.Message("payment_declined").Should().NotBeNull();
        await AssertNothingChargedAsync(s.Id);
    }

    [Fact]
    public async Task An_agent_that_did_not_declare_3ds_gets_intervention_required()
    {
        using var acp = Gw.Acp("2026-04-17");
        var s = await acp.CreateAsync(new { line_items = new[] { new { id = "CREDITS-100" } }, currency = "usd", capabilities = new { }, buyer = AcpBodies.Buyer() });
        var vt = (await acp.DelegateAsync(AcpBodies.Delegate(s.Id, 100_000, number: "4000000000003220"))).Id;
        var r = await acp.CompleteAsync(s.Id, AcpBodies.Pay("2026-04-17", vt, billing: AcpBodies.Address()));
        r.StatusText.Should().Be("ready_for_payment");
        r.Message("intervention_required").Should().NotBeNull();
        await AssertNothingChargedAsync(s.Id);
    }

    [Fact]
    public async Task In_2025_09_29_a_card_that_needs_3ds_is_refused_with_requires_3ds()
    {
        var (acp, s) = await ReadySessionAsync("2025-09-29");
        var vt = (await acp.DelegateAsync(AcpBodies.Delegate(s.Id, 100_000, number: "4000000000003220"))).Id;
        var r = await acp.CompleteAsync(s.Id, AcpBodies.Pay("2025-09-29", vt));
        r.StatusText.Should().Be("ready_for_payment");
        r.Message("requires_3ds").Should().NotBeNull("2025-09-29 has no authentication flow; requires_3ds is its message code");
        await AssertNothingChargedAsync(s.Id);
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task Without_payment_data_complete_is_a_400_on_payment_data(string version)
    {
        var (acp, s) = await ReadySessionAsync(version);
        var r = await acp.CompleteAsync(s.Id, new { });
        r.Status.Should().Be(400, "checklist 56");
        r.Body.GetProperty("param").GetString().Should().Be("$.payment_data");
    }

    [Fact]
    public async Task In_2025_09_29_payment_data_needs_token_and_a_known_provider()
    {
        var (acp, s) = await ReadySessionAsync("2025-09-29");
        (await acp.CompleteAsync(s.Id, new { payment_data = new { token = "vt_x" } })).Body.GetProperty("param").GetString().Should().Be("$.payment_data.provider");
        var adyen = await acp.CompleteAsync(s.Id, new { payment_data = new { token = "vt_x", provider = "adyen" } });
        adyen.Status.Should().Be(400, "checklist 57");
        adyen.Body.GetProperty("param").GetString().Should().Be("$.payment_data.provider");
    }

    [Fact]
    public async Task In_2026_04_17_a_handler_that_is_not_offered_is_refused()
    {
        var (acp, s) = await ReadySessionAsync("2026-04-17");
        var r = await acp.CompleteAsync(s.Id, AcpBodies.Pay("2026-04-17", "vt_x", handler: "card_tokenized"));
        r.Status.Should().Be(400, "checklist 58");
        r.Body.GetProperty("param").GetString().Should().Be("$.payment_data.handler_id");
        var po = await acp.CompleteAsync(s.Id, new { payment_data = new { purchase_order_number = "PO-1" } });
        po.Status.Should().Be(400, "purchase orders are not offered");
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task A_session_that_is_not_ready_is_never_charged(string version)
    {
        using var acp = Gw.Acp(version);
        var s = await acp.CreateAsync(AcpBodies.Create(version, null, AcpBodies.Address(), ("CMP-MUG", 1)));
        s.StatusText.Should().Be("not_ready_for_payment");
        var vt = (await acp.DelegateAsync(AcpBodies.Delegate(s.Id, 100_000))).Id;
        var r = await acp.CompleteAsync(s.Id, AcpBodies.Pay(version, vt));
        r.Status.Should().Be(200, "the documented choice for checklist 59: the session, saying what is missing");
        r.StatusText.Should().Be("not_ready_for_payment");
        r.Message("missing").GetProperty("param").GetString().Should().Be("$.buyer.email");
        await AssertNothingChargedAsync(s.Id);
    }

    [Fact]
    public async Task A_digital_session_without_any_address_needs_a_billing_address_with_the_payment()
    {
        using var acp = Gw.Acp("2026-04-17");
        var s = await acp.CreateAsync(AcpBodies.Create("2026-04-17", AcpBodies.Buyer(), null, ("CREDITS-100", 1)));
        var vt = (await acp.DelegateAsync(AcpBodies.Delegate(s.Id, 100_000))).Id;
        var r = await acp.CompleteAsync(s.Id, AcpBodies.Pay("2026-04-17", vt));
        r.Status.Should().Be(400);
        r.Body.GetProperty("param").GetString().Should().Be("$.payment_data.billing_address");
        await AssertNothingChargedAsync(s.Id);
        (await acp.CompleteAsync(s.Id, AcpBodies.Pay("2026-04-17", vt, billing: AcpBodies.Address()))).StatusText.Should().Be("completed");
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task A_completed_session_reads_back_completed_and_its_order_is_normal_in_Saleor(string version)
    {
        var (acp, s) = await ReadySessionAsync(version, "CSA-BASIC");
        var vt = (await acp.DelegateAsync(AcpBodies.Delegate(s.Id, s.Total))).Id;
        var done = await acp.CompleteAsync(s.Id, AcpBodies.Pay(version, vt));
        done.StatusText.Should().Be("completed", "checklist 55");
        var orderId = done.Body.GetProperty("order").GetProperty("id").GetString()!;
        (await acp.GetAsync(s.Id)).StatusText.Should().Be("completed", "checklist 66");
        var saleor = Cmp.Saleor.Client.SaleorClientFactory.Create(world.Saleor.ApiUrl, world.SaleorAppToken);
        var order = (await saleor.ExecuteAsync<System.Text.Json.JsonElement>("BuyerOrder", new { id = orderId })).Value.GetProperty("order");
        order.GetProperty("isPaid").GetBoolean().Should().BeTrue("a normal, fully paid Saleor order: ORDER_FULLY_PAID provisions it");
        order.GetProperty("userEmail").GetString().Should().Be("buyer@example.com", "the buyer's e-mail names the tenant");
        order.GetProperty("metadata").EnumerateArray().Should().Contain(m => m.GetProperty("key").GetString() == "acp.checkout_session_id"
            && m.GetProperty("value").GetString() == s.Id);
        (await acp.CompleteAsync(s.Id, AcpBodies.Pay(version, vt))).Body.GetProperty("order").GetProperty("id").GetString().Should().Be(orderId);
    }

    static System.Text.Json.Nodes.JsonObject ThreeDs(string outcome) => new()
    {
        ["outcome"] = outcome,
        ["outcome_details"] = new System.Text.Json.Nodes.JsonObject
        {
            ["three_ds_cryptogram"] = "AbCdEfGhIjKlMnOpQrStUvWxY0=", ["electronic_commerce_indicator"] = "05",
            ["transaction_id"] = "dsTransId_1", ["version"] = "2.2.0",
        },
    };
}
