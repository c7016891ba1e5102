using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cmp.Dev;

/// <summary>
/// The demo's agent-commerce steps: an AI agent platform buys for the same buyer through the gateway's ACP API, the way
/// ChatGPT Instant Checkout would, and the order it places is provisioned by the ordinary ORDER_FULLY_PAID flow.
/// </summary>
public sealed partial class DemoScenario
{
    // The dev gateway's settings (appsettings.Development.json): the agent platform's key and the merchant id the
    // delegated payment's allowance must name.
    const string AcpKey = "acp-dev-key";
    const string AcpVersion = "2026-04-17";
    const string MerchantId = "cmp-dev";

    string _session = "";
    long _total;
    string _vaultToken = "";
    string _acpOrder = "";

    async Task<string> AcpCreateAsync(CancellationToken ct)
    {
        var s = await AcpAsync("/acp/checkout_sessions", new JsonObject
        {
            ["line_items"] = new JsonArray(new JsonObject { ["id"] = "CSA-BASIC", ["quantity"] = 1 }),
            ["currency"] = "usd",
            // 2026-04-17 requires the agent to say which interventions it can handle; this one can pass 3-D Secure on.
            ["capabilities"] = new JsonObject { ["interventions"] = new JsonObject { ["supported"] = new JsonArray("3ds") } },
        }, ct);
        _session = s.GetProperty("id").GetString()!;
        // Without the buyer's e-mail the session cannot be paid: the messages say so, which the update answers.
        var missing = s.GetProperty("messages").EnumerateArray().Select(m => m.TryGetProperty("param", out var p) ? p.GetString() : null).Where(p => p is not null);
        return $"session {_session}: {s.GetProperty("status").GetString()} (missing {string.Join(", ", missing)}), total {Money(s)}";
    }

    async Task<string> AcpUpdateAsync(CancellationToken ct)
    {
        var s = await AcpAsync($"/acp/checkout_sessions/{_session}", new JsonObject
        {
            ["line_items"] = new JsonArray(
                new JsonObject { ["id"] = "CSA-BASIC", ["quantity"] = 1 },
                new JsonObject { ["id"] = "CREDITS-100", ["quantity"] = 1 }),
            ["buyer"] = new JsonObject { ["first_name"] = "Ada", ["last_name"] = "Lovelace", ["email"] = Buyer },
        }, ct);
        if (s.GetProperty("status").GetString() != "ready_for_payment") throw new InvalidOperationException($"the session is not ready for payment: {s}");
        _total = Total(s);
        var lines = s.GetProperty("line_items").EnumerateArray().Select(l => $"{l.GetProperty("quantity").GetInt32()} × {l.GetProperty("item").GetProperty("id").GetString()}");
        return $"ready_for_payment: {string.Join(" + ", lines)}, total {Money(s)} (digital fulfilment)";
    }

    async Task<string> AcpDelegatePaymentAsync(CancellationToken ct)
    {
        var vt = await AcpAsync("/acp/agentic_commerce/delegate_payment", new JsonObject
        {
            ["payment_method"] = new JsonObject
            {
                ["type"] = "card", ["card_number_type"] = "fpan", ["number"] = "4242424242424242", ["exp_month"] = "12",
                ["exp_year"] = (DateTime.UtcNow.Year + 2).ToString(CultureInfo.InvariantCulture), ["name"] = "Ada Lovelace", ["cvc"] = "123",
                ["display_card_funding_type"] = "credit", ["display_brand"] = "visa", ["display_last4"] = "4242", ["metadata"] = new JsonObject(),
            },
            ["allowance"] = new JsonObject
            {
                ["reason"] = "one_time", ["max_amount"] = _total, ["currency"] = "usd", ["checkout_session_id"] = _session, ["merchant_id"] = MerchantId,
                ["expires_at"] = DateTime.UtcNow.AddMinutes(15).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            },
            ["risk_signals"] = new JsonArray(new JsonObject { ["type"] = "card_testing", ["score"] = 2, ["action"] = "authorized" }),
            ["metadata"] = new JsonObject { ["source"] = "make demo" },
        }, ct);
        _vaultToken = vt.GetProperty("id").GetString()!;
        return $"{_vaultToken[..Math.Min(8, _vaultToken.Length)]}… (card •••• 4242 stays at the PSP; allowance {_total / 100m:0.00} USD, 15 min)";
    }

    async Task<string> AcpCompleteAsync(CancellationToken ct)
    {
        var s = await AcpAsync($"/acp/checkout_sessions/{_session}/complete", new JsonObject
        {
            ["payment_data"] = new JsonObject
            {
                ["handler_id"] = "cmp_test_psp",
                ["instrument"] = new JsonObject { ["type"] = "card", ["credential"] = new JsonObject { ["type"] = "vault_token", ["token"] = _vaultToken } },
                ["billing_address"] = new JsonObject
                {
                    ["name"] = "Ada Lovelace", ["line_one"] = "1 Main St", ["city"] = "New York", ["state"] = "NY", ["country"] = "US", ["postal_code"] = "10001",
                },
            },
        }, ct);
        if (s.GetProperty("status").GetString() != "completed") throw new InvalidOperationException($"the session was not completed: {s}");
        var order = s.GetProperty("order");
        _acpOrder = order.GetProperty("id").GetString()!;
        return $"completed: order {_acpOrder} paid {Money(s)}";
    }

    /// <summary>The ACP order, like the human's, reaches the provisioner as ORDER_FULLY_PAID.</summary>
    async Task<string> AcpOrderProvisionedAsync(CancellationToken ct)
    {
        using var admin = await ControlPlaneAsAdminAsync(ct);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var ready = (await admin.GetFromJsonAsync<JsonElement>($"v1/instances?order_id={Uri.EscapeDataString(_acpOrder)}", ct)).EnumerateArray()
                .Where(i => i.GetProperty("status").GetString() == "Ready").ToList();
            var granted = (await admin.GetFromJsonAsync<JsonElement>($"v1/tenants/{_tenant}/credits/entries?limit=500", ct)).GetProperty("items").EnumerateArray()
                .Where(e => e.GetProperty("kind").GetString() == "grant" && e.TryGetProperty("order_id", out var o) && o.GetString() == _acpOrder)
                .Sum(e => e.GetProperty("amount").GetInt64());
            if (ready.Count == 1 && granted == 100)
            {
                var balance = await admin.GetFromJsonAsync<JsonElement>($"v1/tenants/{_tenant}/credits", ct);
                return $"instance {ready[0].GetProperty("id").GetString()} ({ready[0].GetProperty("offering_sku").GetString()}) is Ready for {Buyer}; " +
                       $"+{granted} credits, balance {balance.GetProperty("balance").GetInt64()}";
            }
            if (DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"order {_acpOrder} was not provisioned within 60 s ({ready.Count} Ready instance(s), {granted} credits granted)");
            await Task.Delay(250, ct);
        }
    }

    /// <summary>One ACP call as an agent platform makes it: its key, the version, a fresh idempotency key.</summary>
    async Task<JsonElement> AcpAsync(string path, JsonObject body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(DevPorts.Loopback(ports.Gateway), path)) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", AcpKey);
        request.Headers.Add("API-Version", AcpVersion);
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await _http.SendAsync(request, ct);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {json}");
        return json;
    }

    static long Total(JsonElement session) =>
        session.GetProperty("totals").EnumerateArray().Single(t => t.GetProperty("type").GetString() == "total").GetProperty("amount").GetInt64();

    static string Money(JsonElement session) => string.Create(CultureInfo.InvariantCulture, $"{Total(session) / 100m:0.00} USD");
}
