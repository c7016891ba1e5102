using System.Text;
using System.Text.Json;

namespace Cmp.Testing.Http;

/// <summary>A server-sent event as the test reads it off the wire.</summary>
public sealed record SseEvent(string Name, JsonElement Data);

/// <summary>
/// A deliberately simple, independent reader of standard SSE framing (not the client library's), so a service's
/// wire format is checked by something other than the code that shares its assumptions.
/// </summary>
public static class Sse
{
    /// <summary>Reads events until the stream ends or <paramref name="until"/> holds; also returns the raw text.</summary>
    public static async Task<(List<SseEvent> Events, string Raw)> ReadAsync(HttpResponseMessage response, Func<SseEvent, bool>? until = null,
        CancellationToken ct = default)
    {
        var events = new List<SseEvent>();
        var raw = new StringBuilder();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        string? name = null;
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            raw.Append(line).Append('\n');
            if (line.Length == 0)
            {
                if (name is null && data.Length == 0) continue;
                var e = new SseEvent(name ?? "message", JsonDocument.Parse(data.ToString()).RootElement.Clone());
                events.Add(e);
                name = null;
                data.Clear();
                if (until?.Invoke(e) == true) break;
                continue;
            }
            if (line.StartsWith(':')) continue;
            if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) data.Append(line[6..]);
            else throw new InvalidDataException($"Not an SSE line: '{line}'");
        }
        return (events, raw.ToString());
    }
}
