using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Cmp.Hosting.Http;
using Cmp.Primitives;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Cmp.Saleor.Webhooks;

/// <summary>Saleor's public signing keys, by key id.</summary>
public interface ISaleorSigningKeys
{
    /// <summary>The RSA public key with this <c>kid</c>; <see cref="SaleorWebhookErrors.KeyUnknown"/> when Saleor does
    /// not publish it, a Transient error when the keys could not be looked up right now.</summary>
    ValueTask<Result<RSAParameters>> GetAsync(string keyId, CancellationToken ct);
}

/// <summary>
/// The JWKS of the <em>configured</em> Saleor (<see cref="SaleorOptions.JwksUrl"/>), never of a URL taken from a
/// request. Keys are cached for <see cref="SaleorOptions.JwksCacheDuration"/>. Saleor publishes only its current key
/// (saleor.md §1.3), so an unknown <c>kid</c> usually means a rotation: the JWKS is fetched again, at most once per
/// unknown kid (<see cref="SaleorOptions.UnknownKeyRetryAfter"/>) and at most once per
/// <see cref="SaleorOptions.JwksMinRefetchInterval"/> overall, so forged kids cannot make us hammer Saleor.
/// </summary>
public sealed class SaleorJwks(Func<HttpClient> http, SaleorOptions options, TimeProvider clock, ILogger<SaleorJwks> logger) : ISaleorSigningKeys
{
    const int MaxRememberedMisses = 1024;

    readonly SemaphoreSlim _gate = new(1, 1);
    readonly ConcurrentDictionary<string, DateTimeOffset> _misses = new(StringComparer.Ordinal);
    readonly Uri _url = options.JwksUrl();
    volatile KeySet _keys = KeySet.Empty;
    DateTimeOffset _lastFetch = DateTimeOffset.MinValue;
    int _fetches;

    /// <summary>How many times the JWKS was fetched (for tests and diagnostics).</summary>
    public int FetchCount => Volatile.Read(ref _fetches);

    public async ValueTask<Result<RSAParameters>> GetAsync(string keyId, CancellationToken ct)
    {
        if (Cached(keyId) is { } hit) return hit;
        await _gate.WaitAsync(ct);
        try
        {
            // Another delivery may have refreshed the keys while this one waited.
            if (Cached(keyId) is { } again) return again;
            var now = clock.GetUtcNow();
            var current = _keys;
            if (now - _lastFetch < options.JwksMinRefetchInterval)
            {
                if (current.Keys.TryGetValue(keyId, out var stale)) return stale;
                return Error.Transient(SaleorWebhookErrors.KeysThrottled,
                    $"Signing key '{keyId}' is not known and Saleor's keys were read less than {options.JwksMinRefetchInterval.TotalSeconds:0.#} s ago; retry.");
            }

            _lastFetch = now;
            Interlocked.Increment(ref _fetches);
            var fetched = await FetchAsync(ct);
            if (!fetched.IsSuccess)
            {
                // Saleor's JWKS being briefly unreachable must not break verification with a key we already trust.
                if (current.Keys.TryGetValue(keyId, out var known)) return known;
                return fetched.Error;
            }
            _keys = new KeySet(fetched.Value, now);
            if (fetched.Value.TryGetValue(keyId, out var key))
            {
                _misses.TryRemove(keyId, out _);
                return key;
            }
            if (_misses.Count >= MaxRememberedMisses) _misses.Clear();
            _misses[keyId] = now;
            logger.LogWarning("Saleor does not publish signing key {KeyId} (it publishes {KeyIds})", keyId, string.Join(", ", fetched.Value.Keys));
            return UnknownKey(keyId);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A fresh cached key, a remembered miss, or null when the JWKS must be consulted.</summary>
    Result<RSAParameters>? Cached(string keyId)
    {
        var keys = _keys;
        var now = clock.GetUtcNow();
        if (now - keys.FetchedAt >= options.JwksCacheDuration) return null;
        if (keys.Keys.TryGetValue(keyId, out var key)) return key;
        if (_misses.TryGetValue(keyId, out var missedAt) && now - missedAt < options.UnknownKeyRetryAfter) return UnknownKey(keyId);
        return null;
    }

    static Result<RSAParameters> UnknownKey(string keyId) => SaleorWebhookErrors.Unauthorized(SaleorWebhookErrors.KeyUnknown,
        $"Saleor-Signature was made with key '{keyId}', which the configured Saleor does not publish (forged, or signed by another Saleor).");

    async Task<Result<Dictionary<string, RSAParameters>>> FetchAsync(CancellationToken ct)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, _url);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            request.Options.Set(ResilienceHandler.Idempotent, true);
            using var response = await http().SendAsync(request, ct);
            if (!response.IsSuccessStatusCode) return Unavailable($"{_url} answered {(int)response.StatusCode}");
            var body = await response.Content.ReadAsByteArrayAsync(ct);
            return Parse(body) is { } keys ? keys : Unavailable($"{_url} did not return a JWKS with RS256 signing keys");
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException or BrokenCircuitException
                                       || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            return Unavailable($"{_url} is unreachable ({e.GetType().Name})");
        }
    }

    static Error Unavailable(string why)
    {
        return Error.Transient(SaleorWebhookErrors.KeysUnavailable, $"Saleor's signing keys could not be read: {why}.");
    }

    /// <summary>The RSA signing keys of a JWKS document (others are ignored), or null if there are none.</summary>
    internal static Dictionary<string, RSAParameters>? Parse(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("keys", out var keys) || keys.ValueKind != JsonValueKind.Array)
                return null;
            var result = new Dictionary<string, RSAParameters>(StringComparer.Ordinal);
            foreach (var k in keys.EnumerateArray())
            {
                if (Str(k, "kty") != "RSA" || Str(k, "kid") is not { Length: > 0 } kid) continue;
                if (Str(k, "use") is { } use && use != "sig") continue;
                if (Str(k, "alg") is { } alg && alg != "RS256") continue;
                if (!DetachedJws.TryDecode(Str(k, "n") ?? "", out var n) || !DetachedJws.TryDecode(Str(k, "e") ?? "", out var e)) continue;
                result[kid] = new RSAParameters { Modulus = n, Exponent = e };
            }
            return result.Count > 0 ? result : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    static string? Str(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    sealed record KeySet(IReadOnlyDictionary<string, RSAParameters> Keys, DateTimeOffset FetchedAt)
    {
        public static readonly KeySet Empty = new(new Dictionary<string, RSAParameters>(), DateTimeOffset.MinValue);
    }
}
