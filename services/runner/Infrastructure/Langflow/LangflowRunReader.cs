using System.Text.Json;
using Cmp.Primitives;
using Cmp.Runner.Client.Contracts;
using Cmp.Runner.Domain;

namespace Cmp.Runner.Infrastructure.Langflow;

/// <summary>
/// Reads Langflow's run result (the non-streaming body, also the stream's <c>end.result</c>) into the runner's
/// <see cref="RunResult"/>. The same reply text appears up to six times in Langflow's body; this follows the
/// extraction order of langflow.md §1.6 and skips the <c>null</c> entries Langflow may put in the output list.
/// </summary>
public static class LangflowRunReader
{
    public static Result<RunResult> ToRunResult(JsonElement body, int langflowStatus, FlowRef flow, SessionId requested)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("outputs", out var runs) || runs.ValueKind != JsonValueKind.Array)
            return RunnerErrors.LangflowBadResponse("the run result has no 'outputs' list.");

        var messages = new List<RunMessage>();
        string? reply = null;
        RunUsage? usage = null;
        long modelInput = 0, modelOutput = 0;
        var modelUsageSeen = false;

        // /run sends one input, so there is one entry in `outputs`; its `inputs` echo what the flow received.
        var run = runs.GetArrayLength() > 0 ? runs[0] : default;
        if (run.ValueKind == JsonValueKind.Object)
        {
            if (run.TryGetProperty("inputs", out var inputs) && Str(inputs, "input_value") is { Length: > 0 } input)
                messages.Add(new RunMessage("user", input) { SenderName = "User" });
            if (run.TryGetProperty("outputs", out var vertices) && vertices.ValueKind == JsonValueKind.Array)
            {
                foreach (var vertex in vertices.EnumerateArray())
                {
                    if (vertex.ValueKind != JsonValueKind.Object) continue;
                    if (ReplyOf(vertex) is { Text.Length: > 0 } message)
                    {
                        messages.Add(message);
                        reply ??= message.Text;
                    }
                    usage ??= MessageUsage(vertex);
                    if (vertex.TryGetProperty("token_usage", out var tu) && ReadUsage(tu) is { } u)
                    {
                        modelUsageSeen = true;
                        modelInput += u.InputTokens;
                        modelOutput += u.OutputTokens;
                    }
                }
            }
        }

        if (string.IsNullOrEmpty(reply)) return RunnerErrors.NoReply(flow.Value);
        return new RunResult
        {
            OutputText = reply,
            Messages = messages,
            SessionId = Str(body, "session_id") ?? requested.Value,
            Usage = usage ?? (modelUsageSeen ? new RunUsage(modelInput, modelOutput) : RunUsage.None),
            LangflowStatus = langflowStatus,
        };
    }

    /// <summary>A message of a stream's <c>add_message</c> event (a Langflow Message dict).</summary>
    public static RunMessage? MessageOf(JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object || Str(data, "text") is not { Length: > 0 } text) return null;
        return new RunMessage(Role(Str(data, "sender")), text)
        {
            SenderName = Str(data, "sender_name"),
            Model = ModelOf(data),
        };
    }

    /// <summary>The vertex's reply: <c>results.&lt;first&gt;</c> (a Message, or plain text), else <c>messages[0]</c>.</summary>
    static RunMessage? ReplyOf(JsonElement vertex)
    {
        if (vertex.TryGetProperty("results", out var results) && results.ValueKind == JsonValueKind.Object)
        {
            foreach (var output in results.EnumerateObject())
            {
                var v = output.Value;
                if (v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } plain) return new RunMessage("assistant", plain);
                if (v.ValueKind != JsonValueKind.Object) continue;
                var text = Str(v, "text") ?? (v.TryGetProperty("data", out var d) ? Str(d, "text") : null);
                if (text is null) continue;
                return new RunMessage(Role(Str(v, "sender")), text) { SenderName = Str(v, "sender_name"), Model = ModelOf(v) };
            }
        }
        if (vertex.TryGetProperty("messages", out var msgs) && msgs.ValueKind == JsonValueKind.Array && msgs.GetArrayLength() > 0
            && msgs[0].ValueKind == JsonValueKind.Object && Str(msgs[0], "message") is { } m)
            return new RunMessage(Role(Str(msgs[0], "sender")), m) { SenderName = Str(msgs[0], "sender_name") };
        return null;
    }

    /// <summary>Current Langflow puts the run's total usage on the output message: <c>properties.usage</c>.</summary>
    static RunUsage? MessageUsage(JsonElement vertex)
    {
        if (!vertex.TryGetProperty("results", out var results) || results.ValueKind != JsonValueKind.Object) return null;
        foreach (var output in results.EnumerateObject())
        {
            if (output.Value.ValueKind != JsonValueKind.Object) continue;
            if (Usage(output.Value) is { } direct) return direct;
            if (output.Value.TryGetProperty("data", out var data) && Usage(data) is { } nested) return nested;
        }
        return null;

        static RunUsage? Usage(JsonElement message) =>
            message.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object && p.TryGetProperty("usage", out var u)
                ? ReadUsage(u)
                : null;
    }

    /// <summary><c>{input_tokens, output_tokens}</c>, or the OpenAI-style <c>{prompt_tokens, completion_tokens}</c>.</summary>
    static RunUsage? ReadUsage(JsonElement u)
    {
        if (u.ValueKind != JsonValueKind.Object) return null;
        var input = Num(u, "input_tokens") ?? Num(u, "prompt_tokens");
        var output = Num(u, "output_tokens") ?? Num(u, "completion_tokens");
        if (input is null && output is null) return null;
        var usage = new RunUsage(input ?? 0, output ?? 0);
        return Num(u, "total_tokens") is { } total ? usage with { TotalTokens = total } : usage;
    }

    static string? ModelOf(JsonElement message) =>
        message.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object
        && p.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.Object
            ? Str(s, "source")
            : null;

    /// <summary>Langflow's senders are "User" and "Machine" (display names vary); callers think in chat roles.</summary>
    static string Role(string? sender) => sender switch
    {
        null or "Machine" or "AI" => "assistant",
        "User" => "user",
        _ => sender.ToLowerInvariant(),
    };

    static string? Str(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    static long? Num(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) && n >= 0 ? n : null;
}
