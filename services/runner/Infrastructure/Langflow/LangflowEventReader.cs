using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Cmp.Primitives;
using Cmp.Runner.Domain;

namespace Cmp.Runner.Infrastructure.Langflow;

/// <summary>
/// Reads Langflow's run stream incrementally. It is not SSE: each event is a bare JSON object on one line, followed
/// by a blank line (<c>{"event": …, "data": …}\n\n</c>). Events are yielded as soon as their line is complete,
/// whatever the chunking; only the current line is ever buffered (bounded by <c>maxEventBytes</c>). As a hedge
/// against a future Langflow that speaks real SSE here (its v2 API does), <c>data:</c> prefixes are stripped and
/// <c>event:</c>/<c>id:</c>/<c>retry:</c>/comment lines are ignored.
/// <para>Failures come back as failed results, and the sequence stops after them: a line that is not an event
/// (<c>langflow_bad_response</c>), an oversize line, a broken connection (<c>langflow_stream_interrupted</c>), no
/// bytes for <c>idleTimeout</c> or the run deadline passing (<c>langflow_timeout</c>). A clean end of the body just
/// ends the sequence: whether that was premature is the caller's call. Cancelling <c>ct</c> throws.</para>
/// </summary>
public static class LangflowEventReader
{
    public static async IAsyncEnumerable<Result<LangflowEvent>> ReadAsync(Stream body, FlowRef flow, int maxEventBytes,
        TimeSpan idleTimeout, CancellationToken deadline, [EnumeratorCancellation] CancellationToken ct)
    {
        var reader = PipeReader.Create(body, new StreamPipeReaderOptions(leaveOpen: true));
        try
        {
            var events = new List<Result<LangflowEvent>>();
            while (true)
            {
                var (read, failure) = await ReadChunkAsync(reader, flow, idleTimeout, deadline, ct);
                if (failure is not null)
                {
                    yield return failure;
                    yield break;
                }
                var buffer = read.Buffer;
                events.Clear();
                while (TryTakeLine(ref buffer, out var line))
                    if (Parse(line) is { } parsed) events.Add(parsed);
                if (read.IsCompleted && !buffer.IsEmpty)
                {
                    // The last event may lack its trailing newline.
                    if (Parse(buffer) is { } last) events.Add(last);
                    buffer = buffer.Slice(buffer.End);
                }
                var oversize = buffer.Length > maxEventBytes;
                reader.AdvanceTo(buffer.Start, buffer.End);

                foreach (var e in events)
                {
                    yield return e;
                    if (!e.IsSuccess) yield break;
                }
                if (oversize)
                {
                    yield return RunnerErrors.LangflowBadResponse($"a stream event is larger than {maxEventBytes} bytes (Langflow:MaxStreamEventBytes).");
                    yield break;
                }
                if (read.IsCompleted) yield break;
            }
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }

    /// <summary>One read, bounded by the idle timeout and the run deadline; transport failures become errors.</summary>
    static async Task<(ReadResult Read, Error? Failure)> ReadChunkAsync(PipeReader reader, FlowRef flow, TimeSpan idleTimeout,
        CancellationToken deadline, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline);
        timeout.CancelAfter(idleTimeout);
        try
        {
            return (await reader.ReadAsync(timeout.Token), null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (default, deadline.IsCancellationRequested
                ? RunnerErrors.LangflowTimeout("the run took longer than Http:langflow:AttemptTimeout.")
                : RunnerErrors.LangflowTimeout($"Langflow's stream sent nothing for {idleTimeout.TotalSeconds:0.#} s (Langflow:StreamIdleTimeout)."));
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !ct.IsCancellationRequested)
        {
            return (default, RunnerErrors.StreamInterrupted(flow.Value).With("reason", e.Message));
        }
    }

    static bool TryTakeLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        if (buffer.PositionOf((byte)'\n') is not { } newline)
        {
            line = default;
            return false;
        }
        line = buffer.Slice(0, newline);
        buffer = buffer.Slice(buffer.GetPosition(1, newline));
        return true;
    }

    /// <summary>An event, a failure, or null for a line that carries nothing (blank, comment, SSE field we ignore).</summary>
    static Result<LangflowEvent>? Parse(ReadOnlySequence<byte> raw)
    {
        var text = Encoding.UTF8.GetString(raw).Trim();
        if (text.Length == 0 || text[0] == ':' || text.StartsWith("event:", StringComparison.Ordinal)
            || text.StartsWith("id:", StringComparison.Ordinal) || text.StartsWith("retry:", StringComparison.Ordinal)) return null;
        if (text.StartsWith("data:", StringComparison.Ordinal)) text = text[5..].TrimStart();
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("event", out var name) && name.ValueKind == JsonValueKind.String)
                return new LangflowEvent(name.GetString()!,
                    root.TryGetProperty("data", out var data) ? data.Clone() : default);
        }
        catch (JsonException)
        {
            // fall through: reported below with the start of the line
        }
        return RunnerErrors.LangflowBadResponse($"a stream line is not a Langflow event: '{(text.Length > 120 ? text[..120] + "…" : text)}'");
    }
}
