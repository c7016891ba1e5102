using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Cmp.Simulators.Identity;

/// <summary>The realm's RS256 key. <c>kid</c> is the RFC 7638 thumbprint, as Keycloak's is an opaque string.</summary>
public sealed class SigningKey : IDisposable
{
    readonly RSA _rsa;

    public SigningKey(RSA? rsa = null)
    {
        _rsa = rsa ?? RSA.Create(2048);
        var p = _rsa.ExportParameters(false);
        N = Base64UrlEncoder.Encode(p.Modulus);
        E = Base64UrlEncoder.Encode(p.Exponent);
        Kid = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.UTF8.GetBytes($"{{\"e\":\"{E}\",\"kty\":\"RSA\",\"n\":\"{N}\"}}")));
        Credentials = new SigningCredentials(new RsaSecurityKey(_rsa) { KeyId = Kid }, SecurityAlgorithms.RsaSha256);
    }

    public string Kid { get; }
    public string N { get; }
    public string E { get; }
    public SigningCredentials Credentials { get; }

    /// <summary>The JWKS document. Keycloak also publishes an encryption key; validators must pick by kid and use.</summary>
    public object Jwks(SigningKey? encryption = null) => new
    {
        keys = new object[] { Jwk("sig", "RS256") }
            .Concat(encryption is null ? [] : [encryption.Jwk("enc", "RSA-OAEP")]),
    };

    object Jwk(string use, string alg) => new { kid = Kid, kty = "RSA", alg, use, n = N, e = E };

    public void Dispose() => _rsa.Dispose();
}
