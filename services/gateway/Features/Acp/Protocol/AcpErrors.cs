using Cmp.Primitives;

namespace Cmp.Gateway.Features.Acp.Protocol;

/// <summary>The one place an <see cref="AcpError"/> becomes bytes, and a domain <see cref="Error"/> becomes an
/// <see cref="AcpError"/>.</summary>
public static class AcpErrors
{
    /// <summary><see cref="Error.Details"/> keys the checkout domain uses to steer the ACP rendering.</summary>
    public const string ParamKey = "acp_param";
    public const string StatusKey = "acp_status";

    sealed record ErrorBody(string Type, string Code, string Message, string? Param, IReadOnlyList<string>? SupportedVersions);

    public static AcpResponse ToResponse(this AcpError error)
    {
        var response = AcpResponse.Json(error.Status,
            new ErrorBody(error.Type, error.Code, error.Message, error.Param, error.SupportedVersions), AcpJson.Write);
        return error.RetryAfterSeconds is { } s ? response.WithHeader("Retry-After", s.ToString(System.Globalization.CultureInfo.InvariantCulture)) : response;
    }

    /// <summary>Domain failures: validation → 400 <c>invalid_request</c>, not found → 404, outages → 503, anything
    /// unexpected → 500 <c>processing_error</c>; an explicit status or JSONPath in the details wins.</summary>
    public static AcpError ToAcp(this Error error)
    {
        var param = error.Details.TryGetValue(ParamKey, out var p) ? p as string : null;
        int? status = error.Details.TryGetValue(StatusKey, out var s) && s is int i ? i : null;
        return error.Kind switch
        {
            ErrorKind.Validation or ErrorKind.Conflict or ErrorKind.PaymentRequired or ErrorKind.Forbidden =>
                new AcpError(status ?? 400, AcpError.InvalidRequest, error.Code, error.Message, param),
            ErrorKind.NotFound => new AcpError(status ?? 404, AcpError.InvalidRequest, error.Code, error.Message, param),
            ErrorKind.Unauthorized => new AcpError(status ?? 401, AcpError.InvalidRequest, error.Code, error.Message),
            _ => AcpError.FromDependency(error),
        };
    }

    /// <summary>An expected failure of the checkout domain with the ACP status and JSONPath it should be answered with.</summary>
    public static Error Invalid(string code, string message, string? param = null, int status = 400)
    {
        var e = Error.Validation(code, message).With(StatusKey, status);
        return param is null ? e : e.With(ParamKey, param);
    }
}
