using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cmp.Primitives;
using Cmp.Runner.Domain;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Cmp.Runner.Infrastructure.Langflow;

/// <summary>
/// Langflow's failures, as the runner's <see cref="Error"/>s. Langflow answers FastAPI-style <c>{"detail": …}</c>
/// where detail is a string, a validation list, an object, or (for a component crash) a JSON document serialised
/// into the string; on a stream, failures arrive as an <c>error</c> event carrying <c>str(exception)</c>.
/// </summary>
public static partial class LangflowErrors
{
    /// <summary>Error bodies are small; never read an unexpected huge one whole.</summary>
    const int MaxErrorBodyBytes = 64 * 1024;
    const int MaxDetailChars = 2000;

    /// <summary>A failed <c>POST /api/v1/run/{flow}</c> (before any stream started).</summary>
    public static async Task<Error> FromRunResponseAsync(HttpResponseMessage response, FlowRef flow, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        var body = await ReadBodyAsync(response, ct);
        var detail = Detail(body);
        switch (status)
        {
            case 401 or 403:
                return RunnerErrors.LangflowAuthFailed(status, detail);
            case 404 when detail.StartsWith("Flow identifier", StringComparison.Ordinal):
                return RunnerErrors.FlowNotFound(flow.Value);
            case 404:
                // Langflow turns any ValueError mentioning "not found" inside a run into a 404 (e.g. "Vertex X not
                // found" for a dangling edge): the flow exists but is broken.
                return RunnerErrors.FlowInvalid(flow.Value, detail);
            case 400 when detail.Contains("input_value", StringComparison.Ordinal) && detail.Contains("tweak", StringComparison.Ordinal):
                return RunnerErrors.TweakConflictsWithInput(detail);
            case 400:
                // A custom-component policy that blocks the stored graph, or a run-level rule: the flow, not the request.
                return RunnerErrors.FlowInvalid(flow.Value, detail);
            case 422 when IsTweaksRefused(body, out var refused):
                return RunnerErrors.TweaksRefused(refused.Message).With("fields", refused.Fields);
            case 422:
                return RunnerErrors.LangflowRejectedRequest(status, detail);
            case 500 when DecodeComponentFailure(body) is { } message:
                return RunnerErrors.FlowFailed(flow.Value, message);
            default:
                return FromStatus(status, detail);
        }
    }

    /// <summary>A failed flow-management call (<c>/api/v1/flows/{id}</c>).</summary>
    public static async Task<Error> FromFlowResponseAsync(HttpResponseMessage response, Guid flowId, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        var detail = Detail(await ReadBodyAsync(response, ct));
        return status switch
        {
            401 or 403 => RunnerErrors.LangflowAuthFailed(status, detail),
            404 => RunnerErrors.FlowNotFound(flowId.ToString("D")),
            409 => RunnerErrors.FlowConflict(detail),
            // Langflow validates the document (name, data.nodes/edges, endpoint_name…): the caller's flow is invalid.
            400 or 422 => RunnerErrors.FlowDocumentInvalid($"Langflow rejected the flow document: {detail}"),
            _ => FromStatus(status, detail),
        };
    }

    /// <summary>The text of a stream's <c>error</c> event: <c>str(exception)</c>, e.g. <c>500: {"message": …}</c>.</summary>
    public static Error FromStreamError(string text, FlowRef flow)
    {
        var match = StatusPrefix().Match(text);
        var status = match.Success ? int.Parse(match.Groups["status"].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        var rest = match.Success ? match.Groups["rest"].Value : text;
        if (TryDecodeMessage(rest, out var message)) return RunnerErrors.FlowFailed(flow.Value, message);
        if (rest.StartsWith("Refused tweak keys", StringComparison.Ordinal)) return RunnerErrors.TweaksRefused(Cut(rest));
        if (rest.Contains("input_value", StringComparison.Ordinal) && rest.Contains("tweak", StringComparison.Ordinal))
            return RunnerErrors.TweakConflictsWithInput(Cut(rest));
        if (rest.Contains("not found", StringComparison.Ordinal) || status == 404) return RunnerErrors.FlowInvalid(flow.Value, Cut(rest));
        return RunnerErrors.FlowFailed(flow.Value, Cut(rest));
    }

    /// <summary>A call that got no HTTP answer at all. Null for exceptions that are bugs (let them surface).</summary>
    public static Error? FromException(Exception e) => e switch
    {
        _ when LangflowResilience.IsConnectTimeout(e) =>
            RunnerErrors.LangflowUnavailable("connecting to it timed out (Langflow:ConnectTimeout); the run did not start."),
        TimeoutRejectedException or OperationCanceledException =>
            RunnerErrors.LangflowTimeout("the call took longer than the configured timeout (Http:langflow:AttemptTimeout / TotalTimeout)."),
        BrokenCircuitException =>
            RunnerErrors.LangflowUnavailable("it failed repeatedly, so calls are paused for a moment (circuit open)."),
        HttpRequestException h when LangflowResilience.NothingWasSent(h) =>
            RunnerErrors.LangflowUnavailable($"it cannot be reached ({h.Message}); the run did not start."),
        HttpRequestException or IOException => RunnerErrors.LangflowConnectionLost(e.Message),
        _ => null,
    };

    /// <summary>Statuses that say something about Langflow itself rather than the request.</summary>
    static Error FromStatus(int status, string detail) => status switch
    {
        429 or 502 or 503 => RunnerErrors.LangflowUnavailable($"it answered {status} ({detail})."),
        504 or 408 => RunnerErrors.LangflowTimeout($"it answered {status} ({detail})."),
        _ => RunnerErrors.LangflowError(status, detail),
    };

    /// <summary>The 500 of a component crash: <c>detail</c> is a JSON document in a string; its <c>message</c> is the reason.</summary>
    static string? DecodeComponentFailure(JsonElement? body) =>
        body is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String
        && TryDecodeMessage(d.GetString()!, out var message)
            ? message
            : null;

    static bool TryDecodeMessage(string text, out string message)
    {
        message = "";
        var trimmed = text.Trim();
        if (!trimmed.StartsWith('{')) return false;
        try
        {
            using var doc = JsonDocument.Parse(trimmed);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("message", out var m)
                || m.ValueKind != JsonValueKind.String) return false;
            message = Cut(m.GetString()!.Trim());
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    static bool IsTweaksRefused(JsonElement? body, out (string Message, string[] Fields) refused)
    {
        refused = ("", []);
        if (body is not { ValueKind: JsonValueKind.Object } o || !o.TryGetProperty("detail", out var d) || d.ValueKind != JsonValueKind.Object
            || !d.TryGetProperty("code", out var code) || code.GetString() != "TWEAKS_REFUSED") return false;
        var message = d.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "refused";
        var fields = d.TryGetProperty("fields", out var f) && f.ValueKind == JsonValueKind.Array
            ? f.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToArray()
            : [];
        refused = (fields.Length > 0 ? $"{message} (fields: {string.Join(", ", fields)})" : message, fields);
        return true;
    }

    /// <summary>A readable one-line reason from any FastAPI error body.</summary>
    public static string Detail(JsonElement? body)
    {
        if (body is not { } root) return "no readable error body";
        if (root.ValueKind != JsonValueKind.Object) return Cut(root.GetRawText());
        if (root.TryGetProperty("detail", out var d))
        {
            return d.ValueKind switch
            {
                JsonValueKind.String => Cut(TryDecodeMessage(d.GetString()!, out var m) ? m : d.GetString()!),
                // FastAPI validation errors: [{"loc": ["body", "name"], "msg": "Field required"}, …]
                JsonValueKind.Array => Cut(string.Join("; ", d.EnumerateArray().Select(ValidationItem))),
                JsonValueKind.Object when d.TryGetProperty("message", out var dm) && dm.ValueKind == JsonValueKind.String => Cut(dm.GetString()!),
                _ => Cut(d.GetRawText()),
            };
        }
        // Langflow's app-wide handler for uncaught exceptions answers {"message": …}.
        if (root.TryGetProperty("message", out var msg) && msg.ValueKind == JsonValueKind.String) return Cut(msg.GetString()!);
        return Cut(root.GetRawText());
    }

    static string ValidationItem(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object) return item.ToString();
        var loc = item.TryGetProperty("loc", out var l) && l.ValueKind == JsonValueKind.Array
            ? string.Join('.', l.EnumerateArray().Select(x => x.ToString()))
            : null;
        var msg = item.TryGetProperty("msg", out var m) ? m.ToString() : item.GetRawText();
        return loc is null ? msg : $"{loc}: {msg}";
    }

    static async Task<JsonElement?> ReadBodyAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            var buffer = new byte[MaxErrorBodyBytes];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), ct)) > 0) total += read;
            if (total == 0) return null;
            try
            {
                using var doc = JsonDocument.Parse(buffer.AsMemory(0, total));
                return doc.RootElement.Clone();
            }
            catch (JsonException)
            {
                // Not JSON (a proxy's error page): keep the text, it is still the best reason there is.
                return JsonSerializer.SerializeToElement(Encoding.UTF8.GetString(buffer, 0, total));
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return null;
        }
    }

    static string Cut(string s) => s.Length <= MaxDetailChars ? s : s[..MaxDetailChars] + "…";

    [GeneratedRegex(@"^(?<status>\d{3}): (?<rest>.*)$", RegexOptions.Singleline)]
    private static partial Regex StatusPrefix();
}
