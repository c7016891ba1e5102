using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Cmp.Testing.Simulators;

namespace Cmp.AgentCommerce.Tests.Harness;

/// <summary>The Stripe simulator (tests/simulators/stripe) as a child process, with its test helpers.</summary>
public sealed class StripeSimulator : IAsyncDisposable
{
    public const string SecretKey = "sk_test_cmpsimulator";
    readonly SimulatorProcess _process;
    readonly HttpClient _http;

    StripeSimulator(SimulatorProcess process)
    {
        _process = process;
        _http = new HttpClient { BaseAddress = process.Url, Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", SecretKey);
    }

    public Uri Url => _process.Url;

    public static async Task<StripeSimulator> StartAsync() =>
        new(await SimulatorProcess.StartNodeAsync("stripe", new Dictionary<string, string?> { ["STRIPE_SIM_LOG"] = "quiet" }));

    /// <summary>A shared payment token as an agent platform would grant it, backed by a test PaymentMethod.</summary>
    public async Task<string> GrantTokenAsync(string paymentMethod = "pm_card_visa", long maxAmount = 100_000, string currency = "usd", DateTimeOffset? expiresAt = null)
    {
        var form = new Dictionary<string, string>
        {
            ["payment_method"] = paymentMethod, ["usage_limits[currency]"] = currency, ["usage_limits[max_amount]"] = maxAmount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (expiresAt is { } e) form["usage_limits[expires_at]"] = e.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var r = await _http.PostAsync("/v1/test_helpers/shared_payment/granted_tokens", new FormUrlEncodedContent(form));
        var body = await r.Content.ReadFromJsonAsync<JsonElement>();
        if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"grant token: {body}");
        return body.GetProperty("id").GetString()!;
    }

    public async Task<JsonElement> TokenAsync(string id) => await _http.GetFromJsonAsync<JsonElement>($"/v1/shared_payment/granted_tokens/{id}");

    public async Task RevokeAsync(string id) => (await _http.PostAsync($"/v1/test_helpers/shared_payment/granted_tokens/{id}/revoke", null)).EnsureSuccessStatusCode();

    /// <summary>Every PaymentIntent, newest first.</summary>
    public async Task<IReadOnlyList<JsonElement>> PaymentIntentsAsync()
    {
        var r = await _http.GetFromJsonAsync<JsonElement>("/v1/payment_intents?limit=100");
        return r.GetProperty("data").EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    /// <summary>Requests the simulator received (method, path, idempotencyKey, params).</summary>
    public async Task<IReadOnlyList<JsonElement>> RequestsAsync()
    {
        var r = await _http.GetFromJsonAsync<JsonElement>("/_sim/requests");
        return r.GetProperty("requests").EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    public async Task FaultAsync(object fault) => (await _http.PostAsJsonAsync("/_sim/faults", fault)).EnsureSuccessStatusCode();

    public async Task ClearFaultsAsync() => (await _http.DeleteAsync("/_sim/faults")).EnsureSuccessStatusCode();

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _process.DisposeAsync();
    }
}
