using System.Globalization;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Cmp.Gateway.Features.Acp.Protocol;

/// <summary>
/// The canonical form of a JSON document (after RFC 8785, JCS): object members sorted by name, insignificant whitespace
/// dropped, numbers by value (<c>1</c> equals <c>1.0</c>), strings re-escaped one way. Two requests are "the same" for
/// idempotency when their canonical forms are equal (acp.md §3): member order does not matter, array order does, and an
/// explicit <c>null</c> differs from an absent member. Also what request signatures are computed over.
/// </summary>
public static class CanonicalJson
{
    static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    public static byte[] Canonicalize(ReadOnlySpan<byte> json)
    {
        if (json.IsEmpty) return [];
        using var doc = JsonDocument.Parse(json.ToArray());
        return Canonicalize(doc.RootElement);
    }

    public static byte[] Canonicalize(JsonElement element)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions)) Write(writer, element);
        return buffer.ToArray();
    }

    /// <summary>SHA-256 (lower-case hex) of the canonical form; an empty body has its own fingerprint.</summary>
    public static string Fingerprint(ReadOnlySpan<byte> body) =>
        Convert.ToHexStringLower(SHA256.HashData(Canonicalize(body)));

    static void Write(Utf8JsonWriter w, JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                w.WriteStartObject();
                foreach (var p in e.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    w.WritePropertyName(p.Name);
                    Write(w, p.Value);
                }
                w.WriteEndObject();
                break;
            case JsonValueKind.Array:
                w.WriteStartArray();
                foreach (var item in e.EnumerateArray()) Write(w, item);
                w.WriteEndArray();
                break;
            case JsonValueKind.Number:
                WriteNumber(w, e);
                break;
            default:
                e.WriteTo(w);
                break;
        }
    }

    /// <summary>Integral values print without a fraction (1.0 → 1); others in the shortest round-trip form.</summary>
    static void WriteNumber(Utf8JsonWriter w, JsonElement e)
    {
        if (e.TryGetDecimal(out var d))
        {
            if (d == decimal.Truncate(d)) { w.WriteRawValue(decimal.Truncate(d).ToString("0", CultureInfo.InvariantCulture)); return; }
            w.WriteRawValue((d / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture));
            return;
        }
        w.WriteRawValue(e.GetDouble().ToString("R", CultureInfo.InvariantCulture));
    }
}
