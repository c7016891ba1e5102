using System.Net;
using Cmp.Kubernetes.Model;
using Cmp.Primitives;

namespace Cmp.Kubernetes.Client;

/// <summary>
/// API failures as <see cref="Error"/> values. Codes are stable; the HTTP status and the Status <c>reason</c> decide
/// them (API conventions, "HTTP Status codes"). Reconcilers usually only ask <see cref="IsConflict"/> (re-read and
/// retry) and <see cref="IsNotFound"/> (already gone).
/// </summary>
public static class KubeErrors
{
    public const string NotFound = "kube_not_found";
    public const string AlreadyExists = "kube_already_exists";
    public const string Conflict = "kube_conflict";
    public const string Gone = "kube_gone";
    public const string Invalid = "kube_invalid";
    public const string BadRequest = "kube_bad_request";
    public const string Unauthorized = "kube_unauthorized";
    public const string Forbidden = "kube_forbidden";
    public const string UnsupportedMediaType = "kube_unsupported_media_type";
    public const string TooManyRequests = "kube_too_many_requests";
    public const string ServerError = "kube_server_error";
    public const string Timeout = "kube_timeout";
    public const string Unreachable = "kube_unreachable";

    public static bool IsNotFound(this Error e) => e.Code == NotFound;
    public static bool IsConflict(this Error e) => e.Code == Conflict;
    public static bool IsAlreadyExists(this Error e) => e.Code == AlreadyExists;
    public static bool IsGone(this Error e) => e.Code == Gone;

    public static Error FromStatus(HttpStatusCode http, KubeStatus? status, string what)
    {
        var message = $"{what}: {status?.Message ?? http.ToString()}";
        if (status?.Details?.Causes is { Count: > 0 } causes)
            message += " (" + string.Join("; ", causes.Select(c => $"{c.Field}: {c.Message}")) + ")";
        var error = (int)http switch
        {
            404 => Error.NotFound(NotFound, message),
            409 when status?.Reason == "AlreadyExists" => Error.Conflict(AlreadyExists, message),
            409 => Error.Conflict(Conflict, message),
            410 => Error.Conflict(Gone, message),
            422 => Error.Validation(Invalid, message),
            400 => Error.Validation(BadRequest, message),
            401 => new Error(Unauthorized, message, ErrorKind.Unauthorized),
            403 => Error.Forbidden(Forbidden, message),
            415 => Error.Validation(UnsupportedMediaType, message),
            429 => new Error(TooManyRequests, message, ErrorKind.RateLimited),
            504 => new Error(Timeout, message, ErrorKind.Timeout),
            >= 500 => Error.Transient(ServerError, message),
            _ => Error.Permanent("kube_unexpected_status", message),
        };
        return error.With("status", (int)http).With("reason", status?.Reason);
    }

    /// <summary>A request that got no HTTP answer (connection refused, TLS failure, timeout).</summary>
    public static Error FromException(string what, Exception e) => e switch
    {
        TimeoutException or OperationCanceledException or Polly.Timeout.TimeoutRejectedException =>
            new Error(Timeout, $"{what}: no answer in time", ErrorKind.Timeout),
        _ => Error.Transient(Unreachable, $"{what}: {e.GetType().Name}: {e.Message}"),
    };
}
