using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cmp.AgentCommerce.Tests.Harness;

/// <summary>One ACP response, with its JSON already checked against the official schema of its version.</summary>
public sealed record AcpReply(int Status, HttpResponseHeaders Headers, HttpContentHeaders? ContentHeaders, JsonElement Body, string Text)
{
    public string? Header(string name) => Headers.TryGetValues(name, out var v) || ContentHeaders?.TryGetValues(name, out v) == true ? string.Join(",", v!) : null;
    public string Id => Body.GetProperty("id").GetString()!;
    public string StatusText => Body.GetProperty("status").GetString()!;
    public string Code => Body.GetProperty("code").GetString()!;
    public long Total => Body.GetProperty("totals").EnumerateArray().Single(t => t.GetProperty("type").GetString() == "total").GetProperty("amount").GetInt64();
    public long TotalOf(string type) => Body.GetProperty("totals").EnumerateArray().Single(t => t.GetProperty("type").GetString() == type).GetProperty("amount").GetInt64();
    public IReadOnlyList<JsonElement> Messages => Body.GetProperty("messages").EnumerateArray().ToArray();
    public IReadOnlyList<JsonElement> Lines => Body.GetProperty("line_items").EnumerateArray().ToArray();
    public override string ToString() => $"{Status} {Text}";
}

/// <summary>
/// An agent platform calling the ACP API: sets <c>Authorization</c>, <c>API-Version</c> and (by default, on every POST)
/// a fresh <c>Idempotency-Key</c>, and validates every response body against the official JSON Schema of the version it
/// asked for: sessions, sessions with order, errors, delegate-payment responses.
/// </summary>
public sealed class AcpClient(HttpClient http, AcpSchemaValidator schemas, string version, string? key) : IDisposable
{
    public const string AutoKey = "\u0000auto";
    public const string Base = "/acp";
    public string Version { get; } = version;

    static readonly HashSet<string> DelegateCodesV0929 = ["invalid_card", "duplicate_request", "idempotency_conflict", "too_many_requests"];
    static readonly HashSet<string> DelegateCodesV0417 = [.. DelegateCodesV0929, "idempotency_key_required", "idempotency_in_flight"];

    public Task<AcpReply> CreateAsync(object body, string? idempotencyKey = AutoKey, IDictionary<string, string>? headers = null) =>
        SendAsync(HttpMethod.Post, $"{Base}/checkout_sessions", body, idempotencyKey, headers);

    public Task<AcpReply> UpdateAsync(string id, object body, string? idempotencyKey = AutoKey, IDictionary<string, string>? headers = null) =>
        SendAsync(HttpMethod.Post, $"{Base}/checkout_sessions/{id}", body, idempotencyKey, headers);

    public Task<AcpReply> GetAsync(string id, IDictionary<string, string>? headers = null) =>
        SendAsync(HttpMethod.Get, $"{Base}/checkout_sessions/{id}", null, null, headers);

    public Task<AcpReply> CompleteAsync(string id, object body, string? idempotencyKey = AutoKey, IDictionary<string, string>? headers = null) =>
        SendAsync(HttpMethod.Post, $"{Base}/checkout_sessions/{id}/complete", body, idempotencyKey, headers);

    public Task<AcpReply> CancelAsync(string id, object? body = null, string? idempotencyKey = AutoKey, IDictionary<string, string>? headers = null) =>
        SendAsync(HttpMethod.Post, $"{Base}/checkout_sessions/{id}/cancel", body, idempotencyKey, headers);

    public Task<AcpReply> DelegateAsync(object body, string? idempotencyKey = AutoKey, IDictionary<string, string>? headers = null) =>
        SendAsync(HttpMethod.Post, $"{Base}/agentic_commerce/delegate_payment", body, idempotencyKey, headers);

    /// <summary>A raw request (a body given as string is sent verbatim), still validated.</summary>
    public async Task<AcpReply> SendAsync(HttpMethod method, string path, object? body, string? idempotencyKey = AutoKey,
        IDictionary<string, string>? headers = null, bool omitVersion = false)
    {
        using var request = new HttpRequestMessage(method, path);
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (!omitVersion) request.Headers.TryAddWithoutValidation("API-Version", Version);
        if (method == HttpMethod.Post && idempotencyKey is not null)
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey == AutoKey ? Guid.NewGuid().ToString() : idempotencyKey);
        foreach (var (k, v) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(k, v);
        if (body is not null)
            request.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        var reply = new AcpReply((int)response.StatusCode, response.Headers, response.Content.Headers, json, text);
        await ValidateAsync(path, reply, omitVersion);
        return reply;
    }

    async Task ValidateAsync(string path, AcpReply r, bool noVersion)
    {
        if (r.Text.Length == 0) throw new Xunit.Sdk.XunitException($"ACP answered {r.Status} with no body for {path}.");
        r.ContentHeaders?.ContentType?.MediaType.Should().Be("application/json", "ACP bodies are JSON");
        var isDelegate = path.EndsWith("/delegate_payment", StringComparison.Ordinal);
        if (r.Status >= 400)
        {
            var code = r.Body.TryGetProperty("code", out var c) ? c.GetString() ?? "" : "";
            // Version errors have no version to speak; their shape (supported_versions) exists only in 2026-04-17.
            if (noVersion || code is "missing_api_version" or "unsupported_api_version")
            {
                await schemas.AssertValidAsync("2026-04-17", "agentic_checkout", "Error", r.Body);
                return;
            }
            if (isDelegate && (Version == "2026-04-17" ? DelegateCodesV0417 : DelegateCodesV0929).Contains(code))
                await schemas.AssertValidAsync(Version, "delegate_payment", "Error", r.Body);
            else
                // Delegate payment's closed code enum has nothing for 401 (acp.md §14 gotcha 4): those are checked as ACP errors.
                await schemas.AssertValidAsync(Version, "agentic_checkout", "Error", r.Body);
            return;
        }
        if (isDelegate)
        {
            await schemas.AssertValidAsync(Version, "delegate_payment", "DelegatePaymentResponse", r.Body);
            return;
        }
        var def = r.Body.TryGetProperty("order", out _) ? "CheckoutSessionWithOrder" : "CheckoutSession";
        await schemas.AssertValidAsync(Version, "agentic_checkout", def, r.Body);
    }

    public void Dispose() => http.Dispose();
}

/// <summary>Request bodies of both versions for the demo catalog.</summary>
public static class AcpBodies
{
    public static object Address(string name = "Ada Lovelace") => new
    {
        name, line_one = "1 Main St", city = "New York", state = "NY", country = "US", postal_code = "10001",
    };

    public static object Create(string version, params (string Sku, int Quantity)[] items) => Create(version, null, null, items);

    public static object Create(string version, object? buyer, object? address, params (string Sku, int Quantity)[] items)
    {
        var o = new JsonObject();
        if (version == "2025-09-29")
        {
            o["items"] = new JsonArray(items.Select(i => (JsonNode)new JsonObject { ["id"] = i.Sku, ["quantity"] = i.Quantity }).ToArray());
            if (address is not null) o["fulfillment_address"] = JsonSerializer.SerializeToNode(address);
        }
        else
        {
            o["line_items"] = new JsonArray(items.Select(i => (JsonNode)new JsonObject { ["id"] = i.Sku, ["quantity"] = i.Quantity }).ToArray());
            o["currency"] = "usd";
            o["capabilities"] = new JsonObject { ["interventions"] = new JsonObject { ["supported"] = new JsonArray("3ds") } };
            if (address is not null) o["fulfillment_details"] = new JsonObject { ["name"] = "Ada Lovelace", ["address"] = JsonSerializer.SerializeToNode(address) };
        }
        if (buyer is not null) o["buyer"] = JsonSerializer.SerializeToNode(buyer);
        return o;
    }

    public static object Buyer(string email = "buyer@example.com") => new { first_name = "Ada", last_name = "Lovelace", email };

    public static object Pay(string version, string token, string? handler = "cmp_test_psp", object? billing = null)
    {
        var pd = version == "2025-09-29"
            ? (JsonObject)JsonSerializer.SerializeToNode(new { token, provider = "stripe" })!
            : (JsonObject)JsonSerializer.SerializeToNode(new { handler_id = handler, instrument = new { type = "card", credential = new { type = token.StartsWith("spt_", StringComparison.Ordinal) ? "spt" : "vault_token", token } } })!;
        if (billing is not null) pd["billing_address"] = JsonSerializer.SerializeToNode(billing);
        return new JsonObject { ["payment_data"] = pd };
    }

    /// <summary>A delegate_payment request for a test card, bound to a session and amount.</summary>
    public static JsonObject Delegate(string sessionId, long maxAmount, string number = "4242424242424242", string? merchantId = CommerceWorld.MerchantId,
        DateTimeOffset? expiresAt = null, string currency = "usd", string riskAction = "authorized", int riskScore = 5) => new()
    {
        ["payment_method"] = new JsonObject
        {
            ["type"] = "card", ["card_number_type"] = "fpan", ["number"] = number, ["exp_month"] = "11", ["exp_year"] = (DateTime.UtcNow.Year + 2).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["name"] = "Ada Lovelace", ["cvc"] = "123", ["display_card_funding_type"] = "credit", ["display_brand"] = "visa",
            ["display_last4"] = number[^4..], ["metadata"] = new JsonObject(),
        },
        ["allowance"] = new JsonObject
        {
            ["reason"] = "one_time", ["max_amount"] = maxAmount, ["currency"] = currency, ["checkout_session_id"] = sessionId,
            ["merchant_id"] = merchantId, ["expires_at"] = (expiresAt ?? DateTimeOffset.UtcNow.AddHours(1)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        },
        ["risk_signals"] = new JsonArray(new JsonObject { ["type"] = "card_testing", ["score"] = riskScore, ["action"] = riskAction }),
        ["metadata"] = new JsonObject { ["source"] = "test" },
    };
}
