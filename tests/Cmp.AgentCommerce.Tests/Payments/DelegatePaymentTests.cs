using System.Text.Json.Nodes;
using Cmp.AgentCommerce.Tests.Harness;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cmp.AgentCommerce.Tests.Payments;

/// <summary>The built-in test PSP's delegate_payment (conformance checklist K, 101–110; acp.md §11).</summary>
public sealed class DelegatePaymentTests(CommerceWorld world)
{
    public static TheoryData<string> Versions => new() { "2025-09-29", "2026-04-17" };

    [Theory, MemberData(nameof(Versions))]
    public async Task A_valid_card_and_allowance_get_a_single_use_vault_token(string version)
    {
        using var acp = world.Gateway.Acp(version);
        var key = Guid.NewGuid().ToString();
        var session = "cs_" + Guid.NewGuid().ToString("N");
        var body = AcpBodies.Delegate(session, 2000);
        var r = await acp.DelegateAsync(body, key);
        r.Status.Should().Be(201, "checklist 101");
        r.Id.Should().StartWith("vt_");
        r.Body.GetProperty("metadata").GetProperty("merchant_id").GetString().Should().Be(CommerceWorld.MerchantId);
        r.Body.GetProperty("metadata").GetProperty("idempotency_key").GetString().Should().Be(key);
        r.Body.GetProperty("metadata").GetProperty("source").GetString().Should().Be("cmp_test_psp");

        var replay = await acp.DelegateAsync(body, key);
        replay.Id.Should().Be(r.Id, "idempotent (checklist 107)");
        replay.Header("Idempotent-Replayed").Should().Be("true");
        body["metadata"]!["source"] = "other";
        var conflict = await acp.DelegateAsync(body, key);
        conflict.Status.Should().Be(version == "2025-09-29" ? 409 : 422);
        conflict.Code.Should().Be("idempotency_conflict");
        await using var db = world.Gateway.Db();
        (await db.VaultTokens.CountAsync(t => t.CheckoutSessionId == session)).Should().Be(1, "a replay issues no second token");
    }

    public static TheoryData<string, string, string> Structural => new()
    {
        { "no payment_method", "payment_method", "$.payment_method" },
        { "no allowance", "allowance", "$.allowance" },
        { "no risk_signals", "risk_signals", "$.risk_signals" },
        { "no metadata", "metadata", "$.metadata" },
        { "type bank", "payment_method.type=bank", "$.payment_method.type" },
        { "card_number_type dpan", "payment_method.card_number_type=dpan", "$.payment_method.card_number_type" },
        { "exp_month 3 chars", "payment_method.exp_month=123", "$.payment_method.exp_month" },
        { "cvc 5 chars", "payment_method.cvc=12345", "$.payment_method.cvc" },
        { "reason recurring", "allowance.reason=recurring", "$.allowance.reason" },
        { "currency upper case", "allowance.currency=USD", "$.allowance.currency" },
        { "no expires_at", "allowance.expires_at", "$.allowance.expires_at" },
    };

    [Theory, MemberData(nameof(Structural))]
    public async Task A_malformed_request_is_a_400_invalid_card_naming_the_field(string _, string change, string param)
    {
        using var acp = world.Gateway.Acp("2026-04-17");
        var r = await acp.DelegateAsync(Apply(AcpBodies.Delegate("cs_x", 1000), change));
        r.Status.Should().Be(400, "checklist 102, 103, 105");
        r.Code.Should().Be("invalid_card");
        r.Body.GetProperty("param").GetString().Should().Be(param);
    }

    public static TheoryData<string, string, string> Semantic => new()
    {
        { "Luhn", "payment_method.number=4242424242424241", "$.payment_method.number" },
        { "month 13", "payment_method.exp_month=13", "$.payment_method.exp_month" },
        { "two-digit year", "payment_method.exp_year=27", "$.payment_method.exp_year" },
        { "expired card", "payment_method.exp_year=2020", "$.payment_method.exp_year" },
        { "letters in cvc", "payment_method.cvc=12a", "$.payment_method.cvc" },
        { "last4 mismatch", "payment_method.display_last4=1111", "$.payment_method.display_last4" },
        { "allowance expired", "allowance.expires_at=2020-01-01T00:00:00Z", "$.allowance.expires_at" },
        { "blocked by risk", "risk_signals.0.action=blocked", "$.risk_signals[0]" },
    };

    [Theory, MemberData(nameof(Semantic))]
    public async Task A_card_or_allowance_that_cannot_be_used_is_a_422_invalid_card(string _, string change, string param)
    {
        using var acp = world.Gateway.Acp("2026-04-17");
        var r = await acp.DelegateAsync(Apply(AcpBodies.Delegate("cs_x", 1000), change));
        r.Status.Should().Be(422, "checklist 104: semantic validation");
        r.Code.Should().Be("invalid_card");
        r.Body.GetProperty("param").GetString().Should().Be(param);
    }

    [Fact]
    public async Task Risk_signals_must_not_be_empty_in_2025_09_29_and_may_be_in_2026_04_17()
    {
        using var old = world.Gateway.Acp("2025-09-29");
        using var current = world.Gateway.Acp("2026-04-17");
        var empty = AcpBodies.Delegate("cs_x", 1000);
        empty["risk_signals"] = new JsonArray();
        (await old.DelegateAsync(empty)).Status.Should().Be(400, "checklist 106");
        (await current.DelegateAsync(JsonNode.Parse(empty.ToJsonString())!)).Status.Should().Be(201);
    }

    [Fact]
    public async Task A_buyer_may_tokenize_with_a_keycloak_token_and_nobody_without_credentials()
    {
        using var buyer = world.Gateway.Acp("2026-04-17", await world.Identity.BuyerTokenAsync());
        (await buyer.DelegateAsync(AcpBodies.Delegate("cs_x", 1000))).Status.Should().Be(201);
        using var anonymous = world.Gateway.Acp("2026-04-17", null);
        (await anonymous.DelegateAsync(AcpBodies.Delegate("cs_x", 1000))).Status.Should().Be(401);
    }

    [Fact]
    public async Task The_card_number_and_cvc_never_reach_the_logs()
    {
        var logs = new LogCapture();
        await using var gateway = await world.StartGatewayAsync(configure: b => b.ConfigureTestServices(s => s.AddSingleton<ILoggerProvider>(logs)));
        using var acp = gateway.Acp("2026-04-17");
        var body = AcpBodies.Delegate("cs_logs", 1000, number: "4000056655665556");
        body["payment_method"]!["cvc"] = "987";
        (await acp.DelegateAsync(body)).Status.Should().Be(201);
        var bad = AcpBodies.Delegate("cs_logs", 1000, number: "4000056655665557");
        (await acp.DelegateAsync(bad)).Status.Should().Be(422);
        logs.Lines.Should().NotBeEmpty();
        logs.All.Should().NotContain("4000056655665556", "checklist 110").And.NotContain("4000056655665557").And.NotContain("987\"");
        logs.All.Should().Contain("5556", "the last four digits are fine, and prove the request was logged about");
    }

    /// <summary>"a.b=v" sets, "a.b" removes, "list.0.x=v" indexes arrays.</summary>
    static JsonObject Apply(JsonObject body, string change)
    {
        var (path, value) = change.Contains('=') ? (change[..change.IndexOf('=')], change[(change.IndexOf('=') + 1)..]) : (change, null);
        var parts = path.Split('.');
        JsonNode node = body;
        foreach (var p in parts[..^1]) node = int.TryParse(p, out var i) ? node[i]! : node[p]!;
        var last = parts[^1];
        if (value is null) ((JsonObject)node).Remove(last);
        else node[last] = value;
        return body;
    }
}
