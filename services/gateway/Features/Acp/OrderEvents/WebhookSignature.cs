using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Cmp.Gateway.Features.Acp.OrderEvents;

/// <summary>
/// The <c>Merchant-Signature</c> of order events (acp.md §12). 2026-04-17: <c>t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</c>
/// with v1 = HMAC-SHA256(secret, <c>t + "." + raw body</c>), which lets the receiver reject stale or replayed
/// deliveries. 2025-09-29 fixes no format: the lower-case hex HMAC-SHA256 of the raw body. Always over the exact bytes
/// sent.
/// </summary>
public static class WebhookSignature
{
    public static string Sign(string apiVersion, string secret, byte[] body, DateTimeOffset now)
    {
        var key = Encoding.UTF8.GetBytes(secret);
        if (string.CompareOrdinal(apiVersion, "2026-04-17") < 0) return Convert.ToHexStringLower(HMACSHA256.HashData(key, body));
        var t = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var prefix = Encoding.UTF8.GetBytes(t + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message, prefix.Length);
        return $"t={t},v1={Convert.ToHexStringLower(HMACSHA256.HashData(key, message))}";
    }
}
