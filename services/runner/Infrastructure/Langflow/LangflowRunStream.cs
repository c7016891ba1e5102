using System.Runtime.CompilerServices;
using System.Text.Json;
using Cmp.Runner.Client;
using Cmp.Runner.Domain;

namespace Cmp.Runner.Infrastructure.Langflow;

/// <summary>
/// An open Langflow run stream (status 200 received), read as the runner's <see cref="RunEvent"/>s:
/// <c>token</c> → <see cref="RunTokenEvent"/>, <c>add_message</c> with text → <see cref="RunMessageEvent"/>,
/// <c>end</c> → <see cref="RunEndEvent"/> (the same normalisation as a non-streaming run), <c>error</c> →
/// <see cref="RunErrorEvent"/>. Unknown events (<c>end_vertex</c>, <c>build_*</c>, <c>log</c>) are skipped. A stream
/// that ends without <c>end</c> or <c>error</c> is a failure. Disposing it closes the connection, which makes Langflow
/// cancel the run.
/// </summary>
public sealed class LangflowRunStream(HttpResponseMessage response, LangflowRun run, LangflowOptions options,
    CancellationTokenSource deadline) : IAsyncDisposable
{
    public async IAsyncEnumerable<RunEvent> ReadAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var body = await response.Content.ReadAsStreamAsync(ct);
        await foreach (var item in LangflowEventReader.ReadAsync(body, run.Flow, options.MaxStreamEventBytes,
                           options.StreamIdleTimeout, deadline.Token, ct))
        {
            if (!item.TryGetValue(out var e, out var error))
            {
                yield return new RunErrorEvent(error);
                yield break;
            }
            if (Map(e) is not { } mapped) continue;
            yield return mapped;
            if (mapped is RunEndEvent or RunErrorEvent) yield break;
        }
        yield return new RunErrorEvent(RunnerErrors.StreamInterrupted(run.Flow.Value));
    }

    RunEvent? Map(LangflowEvent e) => e.Event switch
    {
        "token" => Text(e.Data, "chunk") is { Length: > 0 } chunk ? new RunTokenEvent(chunk) : null,
        "add_message" => LangflowRunReader.MessageOf(e.Data) is { } message ? new RunMessageEvent(message) : null,
        "end" => e.Data.ValueKind == JsonValueKind.Object && e.Data.TryGetProperty("result", out var result)
            ? LangflowRunReader.ToRunResult(result, (int)response.StatusCode, run.Flow, run.Session)
                .Match<RunEvent>(r => new RunEndEvent(r), f => new RunErrorEvent(f))
            : new RunErrorEvent(RunnerErrors.LangflowBadResponse("the stream's end event has no result.")),
        "error" => new RunErrorEvent(LangflowErrors.FromStreamError(Text(e.Data, "error") ?? e.Data.ToString(), run.Flow)),
        _ => null,
    };

    static string? Text(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public ValueTask DisposeAsync()
    {
        response.Dispose();
        deadline.Dispose();
        return ValueTask.CompletedTask;
    }
}
