using System.Security.Cryptography;
using System.Text;
using Cmp.ControlPlane.Client;
using Cmp.ControlPlane.Contracts;
using Cmp.Gateway.Infrastructure.Caching;
using Cmp.Primitives;
using Microsoft.Extensions.Options;

namespace Cmp.Gateway.Auth.ApiKeys;

/// <summary>
/// Checks an instance API key with the control plane (<c>POST /v1/keys/verify</c>) and reuses the answer for
/// <see cref="ApiKeyOptions.CacheTtl"/>. The cache is keyed by the key's SHA-256, never by the key itself. A control
/// plane that cannot answer is a transient failure, never cached and never read as "valid".
/// </summary>
public sealed class ApiKeyVerifier
{
    public const string Scheme = "cmp_";

    readonly IControlPlaneClient _controlPlane;
    readonly ExpiringCache<string, Result<VerifiedApiKey>> _cache;

    public ApiKeyVerifier(IControlPlaneClient controlPlane, TimeProvider clock, IOptions<ApiKeyOptions> options)
    {
        _controlPlane = controlPlane;
        _cache = new(clock, options.Value.CacheTtl, options.Value.MaxCacheEntries);
    }

    /// <summary>The control plane's shape rule for keys (<c>cmp_&lt;prefix&gt;_&lt;random&gt;</c>), checked before asking it.</summary>
    public static bool LooksLikeKey(ReadOnlySpan<char> key)
    {
        if (key.Length is <= 20 or >= 100 || !key.StartsWith(Scheme, StringComparison.Ordinal)) return false;
        foreach (var c in key[Scheme.Length..])
            if (!char.IsAsciiLetterOrDigit(c) && c != '_') return false;
        return true;
    }

    public Task<Result<VerifiedApiKey>> VerifyAsync(string key, CancellationToken ct) =>
        _cache.GetAsync(Fingerprint(key),
                // One call shared by every concurrent request for this key: none of their cancellations may abort it.
                _ => _controlPlane.VerifyKeyAsync(key, CancellationToken.None),
                r => r.IsSuccess || r.Error.Kind == ErrorKind.NotFound)
            .WaitAsync(ct);

    static string Fingerprint(string key) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
