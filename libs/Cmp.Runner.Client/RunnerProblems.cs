using System.Net;
using System.Text.Json;
using Cmp.Primitives;
using Cmp.Runner.Client.Contracts;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Cmp.Runner.Client;

/// <summary>Turns the runner's problem+json answers, stream error events and transport failures into <see cref="Error"/> values.</summary>
public static class RunnerProblems
{
    /// <summary>Problem bodies are small; a larger one is cut rather than read into memory whole.</summary>
    const int MaxProblemBytes = 64 * 1024;

    static readonly HashSet<string> StandardMembers = new(StringComparer.Ordinal) { "type", "title", "status", "detail", "code", "instance" };

    /// <summary>The kind a caller should act on, from the HTTP status the runner chose.</summary>
    public static ErrorKind KindFor(int status) => status switch
    {
        400 or 422 => ErrorKind.Validation,
        401 => ErrorKind.Unauthorized,
        403 => ErrorKind.Forbidden,
        404 => ErrorKind.NotFound,
        409 => ErrorKind.Conflict,
        402 => ErrorKind.PaymentRequired,
        429 => ErrorKind.RateLimited,
        502 => ErrorKind.Upstream,
        503 => ErrorKind.Transient,
        504 => ErrorKind.Timeout,
        >= 500 => ErrorKind.Permanent,
        _ => ErrorKind.Validation,
    };

    /// <summary>Reads a non-success response (problem+json, or anything else a proxy may have put in its place).</summary>
    public static async Task<Error> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        string? code = null, detail = null;
        var details = new Dictionary<string, object?> { ["status"] = status };
        try
        {
            var bytes = await ReadCappedAsync(response.Content, ct);
            using var doc = JsonDocument.Parse(bytes);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                var root = doc.RootElement;
                code = String(root, "code");
                detail = String(root, "detail") ?? String(root, "title");
                foreach (var member in root.EnumerateObject())
                    if (!StandardMembers.Contains(member.Name)) details[member.Name] = member.Value.Clone();
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML error page, say): the status alone must do.
        }
        return new Error(
            code ?? $"runner_http_{status}",
            detail ?? $"The runner answered {status} {Reason(response.StatusCode)}.",
            KindFor(status)) { Details = details };
    }

    /// <summary>The <c>error</c> event of a stream, as the same <see cref="Error"/> the non-streaming call would give.</summary>
    public static Error FromStreamError(RunStreamError e) =>
        new Error(e.Code, e.Detail, KindFor(e.Status)).With("status", e.Status);

    /// <summary>
    /// A call that got no answer from the runner. Null when the exception is not a transport failure. Callers check
    /// their own token first: a cancellation they did not ask for is a timeout here.
    /// </summary>
    public static Error? FromTransport(Exception e) => e switch
    {
        // SocketsHttpHandler's ConnectTimeout: nothing was sent.
        TaskCanceledException { InnerException: TimeoutException } => Error.Transient(RunnerErrorCodes.RunnerUnavailable,
            "Connecting to the runner timed out."),
        BrokenCircuitException => Error.Transient(RunnerErrorCodes.RunnerUnavailable,
            "The runner is failing repeatedly; calls are paused for a moment (circuit open). Retry later."),
        TimeoutRejectedException or TimeoutException or OperationCanceledException => new Error(RunnerErrorCodes.RunnerTimeout,
            $"The runner did not answer in time: {e.Message}", ErrorKind.Timeout),
        HttpRequestException or IOException => Error.Transient(RunnerErrorCodes.RunnerUnavailable,
            $"The runner could not be reached or dropped the connection: {e.Message}"),
        _ => null,
    };

    static async Task<byte[]> ReadCappedAsync(HttpContent content, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct);
        var buffer = new byte[MaxProblemBytes];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), ct)) > 0) total += read;
        return buffer[..total];
    }

    static string? String(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    static string Reason(HttpStatusCode status) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase((int)status) is { Length: > 0 } p ? p : "Error";
}
