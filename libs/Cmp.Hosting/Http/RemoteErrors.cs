using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cmp.Primitives;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Cmp.Hosting.Http;

/// <summary>
/// How a typed client turns what another service answered into an <see cref="Error"/>: the problem+json body's
/// <c>code</c> and <c>detail</c> are kept (so callers can switch on codes like <c>insufficient_credits</c>), the
/// status gives the kind, and transport failures (unreachable, timed out, circuit open) become Transient/Timeout.
/// </summary>
public static class RemoteErrors
{
    public static async Task<Error> FromResponseAsync(HttpResponseMessage response, string service, CancellationToken ct)
    {
        string? code = null, detail = null;
        Dictionary<string, object?> details = [];
        try
        {
            if (response.Content.Headers.ContentLength != 0)
            {
                var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
                if (body.ValueKind == JsonValueKind.Object)
                    foreach (var p in body.EnumerateObject())
                        switch (p.Name)
                        {
                            case "code": code = p.Value.GetString(); break;
                            case "detail": detail = p.Value.GetString(); break;
                            case "type" or "title" or "status" or "instance" or "trace_id" or "correlation_id": break;
                            default: details[p.Name] = p.Value.Clone(); break;
                        }
            }
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            // Not problem+json (a proxy's HTML page, say): the status still says enough.
        }
        var status = (int)response.StatusCode;
        var error = new Error(code ?? $"{service}_http_{status}", detail ?? $"{service} answered {status} {response.ReasonPhrase}.", KindOf(response.StatusCode));
        foreach (var (k, v) in details) error = error.With(k, v);
        return error.With("upstream_status", status);
    }

    public static Error FromException(Exception e, string service) => e switch
    {
        TimeoutRejectedException or TaskCanceledException => new Error($"{service}_timeout", $"{service} did not answer in time.", ErrorKind.Timeout),
        BrokenCircuitException => Error.Transient($"{service}_unavailable", $"{service} is failing; its circuit is open."),
        HttpRequestException h => Error.Transient($"{service}_unreachable", $"{service} could not be reached ({h.HttpRequestError})."),
        _ => throw new InvalidOperationException($"Unexpected failure calling {service}.", e),
    };

    /// <summary>True for the exceptions <see cref="FromException"/> understands (use as an exception filter).</summary>
    public static bool IsTransport(Exception e) =>
        e is HttpRequestException or TimeoutRejectedException or BrokenCircuitException or TaskCanceledException;

    static ErrorKind KindOf(HttpStatusCode status) => (int)status switch
    {
        400 or 422 => ErrorKind.Validation,
        401 => ErrorKind.Unauthorized,
        402 => ErrorKind.PaymentRequired,
        403 => ErrorKind.Forbidden,
        404 => ErrorKind.NotFound,
        409 => ErrorKind.Conflict,
        429 => ErrorKind.RateLimited,
        502 => ErrorKind.Upstream,
        503 => ErrorKind.Transient,
        504 => ErrorKind.Timeout,
        >= 500 => ErrorKind.Transient,
        _ => ErrorKind.Permanent,
    };
}
