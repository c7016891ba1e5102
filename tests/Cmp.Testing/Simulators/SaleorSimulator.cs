using System.Net.Http.Json;
using System.Text.Json;

namespace Cmp.Testing.Simulators;

/// <summary>
/// The Saleor simulator (tests/simulators/saleor) as a child process, with typed access to its <c>/_sim</c> test API:
/// quick app tokens, fault injection, recorded webhook deliveries, key rotation, reset. Webhook retries run 1000×
/// faster than Saleor's 10/20/40… s schedule unless the environment says otherwise.
/// </summary>
public sealed class SaleorSimulator : IAsyncDisposable
{
    public const string AdminEmail = "admin@example.com";
    public const string AdminPassword = "admin";

    readonly SimulatorProcess _process;
    readonly HttpClient _http;

    SaleorSimulator(SimulatorProcess process)
    {
        _process = process;
        _http = new HttpClient { BaseAddress = process.Url, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri Url => _process.Url;

    /// <summary>The GraphQL endpoint, <c>http://127.0.0.1:port/graphql/</c>.</summary>
    public Uri ApiUrl => new(_process.Url, "/graphql/");

    /// <summary>What the simulator printed last (for failure messages).</summary>
    public string Output => _process.Output;

    public static async Task<SaleorSimulator> StartAsync(IDictionary<string, string?>? env = null)
    {
        var settings = new Dictionary<string, string?> { ["SALEOR_SIM_RETRY_SCALE"] = "0.001", ["SALEOR_SIM_LOG"] = "quiet" };
        foreach (var (k, v) in env ?? new Dictionary<string, string?>()) settings[k] = v;
        return new SaleorSimulator(await SimulatorProcess.StartNodeAsync("saleor", settings));
    }

    /// <summary>An app with these permissions and its 30-character token (shortcut for tokenCreate + appCreate).</summary>
    public Task<(string Id, string Token)> CreateAppAsync(string name, params string[] permissions) => CreateAppAsync(name, null, permissions);

    /// <summary>As <see cref="CreateAppAsync(string, string[])"/>, with a chosen app identifier.</summary>
    public async Task<(string Id, string Token)> CreateAppAsync(string name, string? identifier, string[] permissions)
    {
        var r = await PostAsync("/_sim/apps", new { name, identifier, permissions });
        return (r.GetProperty("id").GetString()!, r.GetProperty("token").GetString()!);
    }

    /// <summary>A new signing key; the JWKS then serves only the new key. Returns (previous kid, new kid).</summary>
    public async Task<(string Previous, string Current)> RotateKeysAsync()
    {
        var r = await PostAsync("/_sim/keys/rotate", new { });
        return (r.GetProperty("previousKid").GetString()!, r.GetProperty("kid").GetString()!);
    }

    /// <summary>The next <paramref name="count"/> GraphQL requests (optionally of one operation) answer
    /// <paramref name="status"/> and/or respond after <paramref name="delayMs"/>.</summary>
    public Task GraphQLFaultAsync(int? status = null, int count = 1, string? operationName = null, int? delayMs = null) =>
        PostAsync("/_sim/faults/graphql", new Dictionary<string, object?>
        {
            ["status"] = status, ["count"] = count, ["operationName"] = operationName, ["delayMs"] = delayMs,
        }.Where(kv => kv.Value is not null).ToDictionary());

    /// <summary>A fault for the next matching webhook deliveries, e.g. <c>new { kind = "duplicate", copies = 4, @event = "order_fully_paid" }</c>
    /// or <c>hold</c>/<c>delay</c>/<c>drop</c> (see the simulator's README).</summary>
    public Task DeliveryFaultAsync(object rule) => PostAsync("/_sim/faults/deliveries", rule);

    /// <summary>Sends held deliveries: "reverse" (newest first) or "fifo", one after another.</summary>
    public Task ReleaseHeldAsync(string order = "reverse") => PostAsync("/_sim/deliveries/release", new { order });

    public async Task ClearFaultsAsync() => (await _http.DeleteAsync("/_sim/faults")).EnsureSuccessStatusCode();

    public async Task ResetAsync() => await PostAsync("/_sim/reset", new { });

    /// <summary>Recorded webhook deliveries (<c>id, event, targetUrl, payload, attempts, state…</c>).</summary>
    public async Task<IReadOnlyList<JsonElement>> DeliveriesAsync(string? saleorEvent = null)
    {
        var r = await _http.GetFromJsonAsync<JsonElement>(saleorEvent is null ? "/_sim/deliveries" : $"/_sim/deliveries?event={saleorEvent}");
        return r.GetProperty("deliveries").EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    public async Task<JsonElement> JwksAsync() => await _http.GetFromJsonAsync<JsonElement>("/.well-known/jwks.json");

    async Task<JsonElement> PostAsync(string path, object body)
    {
        using var response = await _http.PostAsJsonAsync(path, body);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}: {json}");
        return json;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _process.DisposeAsync();
    }
}
