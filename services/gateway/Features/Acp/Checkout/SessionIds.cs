using System.Security.Cryptography;
using System.Text;

namespace Cmp.Gateway.Features.Acp.Checkout;

/// <summary>
/// Identifiers ACP clients see. Sessions get random ids; line and shipping-option ids are derived from Saleor's ids
/// (stable across reads, distinct from item ids, short and opaque) and mapped back by recomputing.
/// </summary>
public static class SessionIds
{
    public const string DigitalOption = "digital";

    public static string NewSession() => "cs_" + Random(20);

    public static string Line(string saleorLineId) => "li_" + Hash(saleorLineId, 16);

    public static string ShippingOption(string saleorMethodId) => "ship_" + Hash(saleorMethodId, 12);

    public static string Random(int bytes)
    {
        const string alphabet = "0123456789abcdefghjkmnpqrstvwxyz";   // Crockford base32, lower case: no I, L, O, U
        var data = RandomNumberGenerator.GetBytes(bytes);
        var sb = new StringBuilder(bytes * 8 / 5 + 1);
        int buffer = 0, bits = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5) { sb.Append(alphabet[(buffer >> (bits - 5)) & 31]); bits -= 5; }
        }
        if (bits > 0) sb.Append(alphabet[(buffer << (5 - bits)) & 31]);
        return sb.ToString();
    }

    static string Hash(string value, int length) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..length];
}
