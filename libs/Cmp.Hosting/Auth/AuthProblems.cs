using Cmp.Hosting.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Cmp.Hosting.Auth;

/// <summary>401 and 403 as problem+json with a reason a client can act on (the challenge header stays standard).</summary>
public static class AuthProblems
{
    public static async Task WriteUnauthorizedAsync(HttpContext context, Exception? failure, string? error = null)
    {
        var reason = failure is null
            ? "Authentication is required: send 'Authorization: Bearer <token>'."
            : Describe(failure);
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        var challenge = failure is null
            ? "Bearer"
            : $"Bearer error=\"{error ?? "invalid_token"}\", error_description=\"{reason.Replace("\"", "'", StringComparison.Ordinal)}\"";
        context.Response.Headers.Append("WWW-Authenticate", challenge);
        await WriteAsync(context, StatusCodes.Status401Unauthorized, failure is null ? "unauthenticated" : "invalid_token", reason);
    }

    public static Task WriteForbiddenAsync(HttpContext context) =>
        WriteAsync(context, StatusCodes.Status403Forbidden, "forbidden", "The caller lacks the role this operation requires.");

    static async Task WriteAsync(HttpContext context, int status, string code, string detail)
    {
        context.Response.StatusCode = status;
        var problem = new ProblemDetails
        {
            Status = status,
            Title = status == 401 ? "Unauthorized" : "Forbidden",
            Type = ErrorProblems.TypeBase + code.Replace('_', '-'),
            Detail = detail,
        };
        problem.Extensions["code"] = code;
        var service = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await service.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }

    /// <summary>Says what was wrong with the token without echoing it.</summary>
    public static string Describe(Exception failure) => failure switch
    {
        SecurityTokenExpiredException => "The token has expired.",
        SecurityTokenNotYetValidException => "The token is not valid yet.",
        SecurityTokenInvalidIssuerException => "The token was issued by an issuer this service does not trust.",
        SecurityTokenInvalidAudienceException => "The token is not meant for this service (audience).",
        SecurityTokenSignatureKeyNotFoundException => "The token is signed with a key the issuer does not publish.",
        SecurityTokenInvalidSignatureException => "The token signature is invalid.",
        SecurityTokenInvalidAlgorithmException => "The token uses a signing algorithm this service does not accept.",
        SecurityTokenMalformedException => "The token is malformed.",
        SecurityTokenInvalidTypeException => "The token is not an access token.",
        _ => failure is SecurityTokenException ? "The token is invalid." : "The credentials could not be validated.",
    };
}
