using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Cmp.Gateway.Features.Acp.Protocol;

namespace Cmp.Gateway.Features.Acp.Auth;

/// <summary>
/// Request signatures of agent platforms (acp.md §4). The spec leaves the algorithm to the merchant; CMP uses
/// HMAC-SHA256 with the platform's signing secret over <c>&lt;Timestamp&gt; + "." + canonical JSON of the body</c>
/// (RFC 8785-style, see <see cref="CanonicalJson"/>), sent base64url-encoded in <c>Signature</c>, with the RFC 3339
/// <c>Timestamp</c> inside the configured clock-skew window. Covering the timestamp stops replays outside the window.
/// </summary>
public static class RequestSignatures
{
    public const string SignatureHeader = "Signature";
    public const string TimestampHeader = "Timestamp";

    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var canonical = CanonicalJson.Canonicalize(body);
        var message = new byte[Encoding.UTF8.GetByteCount(timestamp) + 1 + canonical.Length];
        var n = Encoding.UTF8.GetBytes(timestamp, message);
        message[n] = (byte)'.';
        canonical.CopyTo(message.AsSpan(n + 1));
        return Base64Url(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
    }

    /// <summary>Null when the signature holds; otherwise the reason (never echoing the signature).</summary>
    public static (string Code, string Message)? Verify(string secret, string? signature, string? timestamp, ReadOnlySpan<byte> body,
        DateTimeOffset now, TimeSpan skew)
    {
        if (string.IsNullOrEmpty(signature) || string.IsNullOrEmpty(timestamp))
            return ("signature_required", "This platform must sign its requests: send the Signature and Timestamp headers.");
        if (!DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            return ("invalid_timestamp", "The Timestamp header is not an RFC 3339 date-time.");
        if ((now - at).Duration() > skew)
            return ("timestamp_out_of_range", $"The Timestamp is more than {skew.TotalSeconds:0} s away from the server's clock.");
        var expected = Encoding.ASCII.GetBytes(Sign(secret, timestamp, body));
        var presented = Encoding.ASCII.GetBytes(signature.Trim().TrimEnd('='));
        return CryptographicOperations.FixedTimeEquals(expected, presented)
            ? null
            : ("invalid_signature", "The Signature does not match the request body and Timestamp.");
    }

    static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
