using Cmp.Primitives;

namespace Cmp.Gateway.Features.Acp.Protocol;

/// <summary>
/// A protocol-level ACP error: the flat <c>Error</c> object (no envelope) of a 4xx/5xx response, used when no valid
/// session can be returned (acp.md §5). Business problems of a session that exists travel as <c>messages[]</c> instead.
/// </summary>
public sealed record AcpError(int Status, string Type, string Code, string Message, string? Param = null)
{
    public const string InvalidRequest = "invalid_request";
    public const string ProcessingError = "processing_error";
    public const string ServiceUnavailable = "service_unavailable";
    /// <summary>Delegate payment only (its Error enum).</summary>
    public const string RateLimitExceeded = "rate_limit_exceeded";

    /// <summary>Version errors list what the server speaks, newest first (v2026-04-17 Error.supported_versions).</summary>
    public IReadOnlyList<string>? SupportedVersions { get; init; }

    /// <summary>Seconds for a <c>Retry-After</c> header (in-flight idempotency keys, temporary outages).</summary>
    public int? RetryAfterSeconds { get; init; }

    public static AcpError BadRequest(string code, string message, string? param = null) => new(400, InvalidRequest, code, message, param);
    public static AcpError NotFound(string code, string message) => new(404, InvalidRequest, code, message);
    public static AcpError Unavailable(string code, string message, int retryAfter = 2) =>
        new(503, ServiceUnavailable, code, message) { RetryAfterSeconds = retryAfter };
    public static AcpError Internal(string message) => new(500, ProcessingError, "internal_error", message);

    /// <summary>How an unexpected <see cref="Error"/> from a dependency becomes an ACP error: outages are 503
    /// <c>service_unavailable</c> (retry), anything else a 500 <c>processing_error</c>. Both are never stored as
    /// idempotent responses, so a retry with the same key is processed afresh.</summary>
    public static AcpError FromDependency(Error error) => error.Kind switch
    {
        ErrorKind.Transient or ErrorKind.Timeout or ErrorKind.RateLimited =>
            Unavailable(error.Code, "A service this checkout depends on is unavailable; retry the request with the same Idempotency-Key."),
        _ => new AcpError(500, ProcessingError, error.Code, "The checkout could not be processed; retry later or contact the merchant."),
    };
}
