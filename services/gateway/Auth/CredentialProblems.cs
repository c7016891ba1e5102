using Cmp.Hosting.Auth;
using Cmp.Hosting.Problems;
using Cmp.Primitives;
using Microsoft.AspNetCore.Mvc;

namespace Cmp.Gateway.Auth;

/// <summary>Credentials that were presented and refused, with a stable code and a reason that never echoes them.</summary>
public sealed class CredentialException(string code, string reason) : Exception(reason)
{
    public string Code { get; } = code;
}

/// <summary>The control plane could not say whether an API key is valid: the caller should retry, not fix its key.</summary>
public sealed class CredentialCheckUnavailableException(Error error) : Exception(error.Message)
{
    public Error Error { get; } = error;
}

/// <summary>How the gateway's own schemes answer a challenge: 401 problem+json with a code, or 503 when the check
/// itself could not be made.</summary>
public static class CredentialProblems
{
    public static async Task WriteChallengeAsync(HttpContext context, Exception? failure)
    {
        if (failure is CredentialCheckUnavailableException)
        {
            var error = Error.Transient("credentials_unverifiable",
                "The API key could not be checked right now (the control plane did not answer); retry shortly.");
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "1";
            await WriteAsync(context, error.ToProblemDetails());
            return;
        }
        if (failure is not CredentialException refused)
        {
            await AuthProblems.WriteUnauthorizedAsync(context, failure);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.Append("WWW-Authenticate",
            $"Bearer error=\"invalid_token\", error_description=\"{refused.Message.Replace("\"", "'", StringComparison.Ordinal)}\"");
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status401Unauthorized,
            Title = "Unauthorized",
            Type = ErrorProblems.TypeBase + refused.Code.Replace('_', '-'),
            Detail = refused.Message,
        };
        problem.Extensions["code"] = refused.Code;
        await WriteAsync(context, problem);
    }

    static Task WriteAsync(HttpContext context, ProblemDetails problem) =>
        context.RequestServices.GetRequiredService<IProblemDetailsService>()
            .TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).AsTask();
}

/// <summary>The token of an <c>Authorization: Bearer …</c> header, if there is one.</summary>
public static class BearerToken
{
    public static string? From(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > 7 ? header[7..].Trim() : null;
    }
}
