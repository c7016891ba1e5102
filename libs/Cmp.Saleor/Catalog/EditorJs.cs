using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cmp.Saleor.Catalog;

/// <summary>
/// Saleor stores rich text as EditorJS JSON. Specs carry plain text: paragraphs separated by blank lines become
/// paragraph blocks (HTML-escaped, since EditorJS text is HTML), and reading back takes the blocks' text, so a
/// description compares equal however Saleor re-serialised it.
/// </summary>
public static class EditorJs
{
    /// <summary>EditorJS JSON for <paramref name="text"/>, or null for an empty description. Deterministic (no time or
    /// random block ids), so syncing twice writes the same document.</summary>
    public static string? FromPlainText(string text)
    {
        var paragraphs = Paragraphs(text);
        if (paragraphs.Count == 0) return null;
        var blocks = new JsonArray();
        for (var i = 0; i < paragraphs.Count; i++)
            blocks.Add(new JsonObject
            {
                ["id"] = $"p{i + 1}",
                ["type"] = "paragraph",
                ["data"] = new JsonObject { ["text"] = WebUtility.HtmlEncode(paragraphs[i]) },
            });
        return new JsonObject { ["blocks"] = blocks, ["version"] = "2.24.3" }.ToJsonString();
    }

    /// <summary>The plain text of an EditorJS document (paragraph and header blocks, list items), normalised like
    /// <see cref="Normalize"/>; empty for null or unreadable input.</summary>
    public static string ToPlainText(string? editorJs)
    {
        if (string.IsNullOrWhiteSpace(editorJs)) return "";
        try
        {
            using var doc = JsonDocument.Parse(editorJs);
            if (!doc.RootElement.TryGetProperty("blocks", out var blocks) || blocks.ValueKind != JsonValueKind.Array) return "";
            var parts = new List<string>();
            foreach (var b in blocks.EnumerateArray())
            {
                if (!b.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object) continue;
                if (data.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String) parts.Add(WebUtility.HtmlDecode(t.GetString()!));
                if (data.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array)
                    parts.AddRange(items.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => WebUtility.HtmlDecode(x.GetString()!)));
            }
            return Normalize(string.Join("\n\n", parts));
        }
        catch (JsonException)
        {
            return "";
        }
    }

    /// <summary>Trimmed paragraphs joined by one blank line, with line endings unified.</summary>
    public static string Normalize(string text) => string.Join("\n\n", Paragraphs(text));

    static List<string> Paragraphs(string text) =>
        text.Replace("\r\n", "\n", StringComparison.Ordinal)
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => string.Join(' ', p.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
            .Where(p => p.Length > 0)
            .ToList();
}
