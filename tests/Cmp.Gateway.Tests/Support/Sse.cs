using System.Text;
using System.Text.Json;

namespace Cmp.Gateway.Tests.Support;

/// <summary>A server-sent event as the test reads it off the wire.</summary>
public sealed record SseEvent(string Name, JsonElement Data);

/// <summary>A deliberately simple reader of standard SSE framing, independent of the code under test.</summary>
public static class Sse
{
    public static async Task<(List<SseEvent> Events, string Raw)> ReadAsync(HttpResponseMessage response, Func<SseEvent, bool>? until = null,
        CancellationToken ct = default)
    {
        var events = new List<SseEvent>();
        var raw = new StringBuilder();
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
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
