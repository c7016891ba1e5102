using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Cmp.Gateway.Features.Acp.Auth;

/// <summary>
/// The agent platforms' API keys, held only as SHA-256 hashes. A presented key is hashed and compared with every
/// configured hash in constant time, so neither the key nor which platform it is close to leaks through timing.
/// </summary>
public sealed class AcpPlatformKeys
{
    readonly (byte[] Hash, AcpPlatformOptions Platform)[] _keys;

    public AcpPlatformKeys(IOptions<AcpOptions> options) =>
        _keys = options.Value.Platforms
            .Select(p => (p.ApiKeySha256 is { Length: 64 } hex ? Convert.FromHexString(hex) : Hash(p.ApiKey ?? ""), p))
            .ToArray();

    public bool Any => _keys.Length > 0;

    public AcpPlatformOptions? Find(string presented)
    {
        var hash = Hash(presented);
        AcpPlatformOptions? found = null;
        foreach (var (h, p) in _keys)
            if (CryptographicOperations.FixedTimeEquals(h, hash)) found = p;
        return found;
    }

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
