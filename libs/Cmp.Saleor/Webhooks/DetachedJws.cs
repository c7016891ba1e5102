using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cmp.Primitives;

namespace Cmp.Saleor.Webhooks;

/// <summary>
/// Saleor's webhook signature: a compact JWS, RS256, with a detached and unencoded payload (RFC 7797 <c>b64:false</c>,
/// <c>crit:["b64"]</c>): <c>base64url(header)..base64url(signature)</c>, signed over
/// <c>ASCII(base64url(header)) + "." + raw body</c> (saleor.md §1.2). Hand-written because the .NET JOSE libraries'
/// support for unencoded detached payloads is unverified, and the check is short.
/// </summary>
public sealed class DetachedJws
{
    DetachedJws(string headerSegment, string keyId, byte[] signature)
    {
        HeaderSegment = headerSegment;
        KeyId = keyId;
        Signature = signature;
    }

    public string HeaderSegment { get; }
    public string KeyId { get; }
    public byte[] Signature { get; }

    /// <summary>Parses and checks the header; says exactly what is wrong with a malformed value.</summary>
    public static Result<DetachedJws> Parse(string value)
    {
        var parts = value.Trim().Split('.');
        if (parts.Length != 3)
            return Malformed($"expected a compact JWS with 3 segments, got {parts.Length}");
        if (parts[1].Length != 0)
            return Malformed("the payload segment must be empty (detached payload)");
        if (!TryDecode(parts[0], out var headerBytes)) return Malformed("the header is not base64url");
        if (!TryDecode(parts[2], out var signature) || signature.Length == 0) return Malformed("the signature is not base64url");

        JsonDocument header;
        try
        {
            header = JsonDocument.Parse(headerBytes);
        }
        catch (JsonException)
        {
            return Malformed("the header is not JSON");
        }
        using (header)
        {
            var h = header.RootElement;
            if (h.ValueKind != JsonValueKind.Object) return Malformed("the header is not a JSON object");
            if (!h.TryGetProperty("alg", out var alg) || alg.ValueKind != JsonValueKind.String || alg.GetString() != "RS256")
                return Malformed($"alg must be RS256, got {(h.TryGetProperty("alg", out var a) ? a.ToString() : "none")}");
            if (!h.TryGetProperty("b64", out var b64) || b64.ValueKind != JsonValueKind.False)
                return Malformed("b64 must be false (unencoded payload)");
            if (!h.TryGetProperty("crit", out var crit) || crit.ValueKind != JsonValueKind.Array
                || !crit.EnumerateArray().Any(c => c.ValueKind == JsonValueKind.String && c.GetString() == "b64"))
                return Malformed("crit must list b64");
            // RFC 7515 §4.1.11: a critical parameter we do not understand means we must not accept the signature.
            if (crit.EnumerateArray().FirstOrDefault(c => c.ValueKind != JsonValueKind.String || c.GetString() != "b64") is { ValueKind: not JsonValueKind.Undefined } other)
                return Malformed($"unsupported critical header parameter {other}");
            if (!h.TryGetProperty("kid", out var kid) || kid.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(kid.GetString()))
                return Malformed("kid is missing");
            return new DetachedJws(parts[0], kid.GetString()!, signature);
        }
    }

    /// <summary>RSASSA-PKCS1-v1_5 with SHA-256 over the header segment, a dot and the exact body bytes.</summary>
    public bool Verify(RSAParameters key, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.ASCII.GetBytes(HeaderSegment + ".");
        var input = new byte[prefix.Length + body.Length];
        prefix.CopyTo(input, 0);
        body.CopyTo(input.AsSpan(prefix.Length));
        using var rsa = RSA.Create();
        try
        {
            rsa.ImportParameters(key);
            return rsa.VerifyData(input, Signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>Signs like Saleor does (PyJWT's sorted compact header). For tests and tools; CMP never signs webhooks.</summary>
    public static string Sign(RSA key, string keyId, ReadOnlySpan<byte> body)
    {
        var header = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            $"{{\"alg\":\"RS256\",\"b64\":false,\"crit\":[\"b64\"],\"kid\":{JsonSerializer.Serialize(keyId)},\"typ\":\"JWT\"}}"));
        var prefix = Encoding.ASCII.GetBytes(header + ".");
        var input = new byte[prefix.Length + body.Length];
        prefix.CopyTo(input, 0);
        body.CopyTo(input.AsSpan(prefix.Length));
        return $"{header}..{Base64Url.EncodeToString(key.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))}";
    }

    internal static bool TryDecode(string segment, out byte[] bytes)
    {
        bytes = [];
        if (segment.Length == 0 || !Base64Url.IsValid(segment)) return false;
        try
        {
            bytes = Base64Url.DecodeFromChars(segment);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    static Error Malformed(string why) =>
        SaleorWebhookErrors.Unauthorized(SaleorWebhookErrors.SignatureMalformed, $"Saleor-Signature is not a valid detached JWS: {why}.");
}
