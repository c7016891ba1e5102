using Cmp.Primitives;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Cmp.Hosting.Problems;

/// <summary>The one place where an <see cref="Error"/> becomes an RFC 9457 problem+json response.</summary>
public static class ErrorProblems
{
    public const string TypeBase = "https://cmp.dev/problems/";

    public static int StatusFor(ErrorKind kind) => kind switch
    {
        ErrorKind.Validation => StatusCodes.Status400BadRequest,
        ErrorKind.Unauthorized => StatusCodes.Status401Unauthorized,
        ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.Conflict => StatusCodes.Status409Conflict,
        ErrorKind.PaymentRequired => StatusCodes.Status402PaymentRequired,
        ErrorKind.RateLimited => StatusCodes.Status429TooManyRequests,
        ErrorKind.Transient => StatusCodes.Status503ServiceUnavailable,
        ErrorKind.Upstream => StatusCodes.Status502BadGateway,
        ErrorKind.Timeout => StatusCodes.Status504GatewayTimeout,
        ErrorKind.NoOp => StatusCodes.Status200OK,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static ProblemDetails ToProblemDetails(this Error error, int? status = null)
    {
        var problem = new ProblemDetails
        {
            Type = TypeBase + error.Code.Replace('_', '-'),
            Title = Title(error.Code),
            Status = status ?? StatusFor(error.Kind),
            Detail = error.Message,
        };
        problem.Extensions["code"] = error.Code;
        foreach (var (key, value) in error.Details) problem.Extensions[key] = value;
        return problem;
    }

    /// <summary>For typed minimal-API results: <c>Results&lt;Ok&lt;T&gt;, ProblemHttpResult&gt;</c>.</summary>
    public static ProblemHttpResult ToProblem(this Error error, int? status = null) =>
        TypedResults.Problem(error.ToProblemDetails(status));

    /// <summary>"insufficient_credits" → "Insufficient credits".</summary>
    static string Title(string code)
    {
        var words = code.Replace('_', ' ').Replace('-', ' ');
        return words.Length == 0 ? "Error" : char.ToUpperInvariant(words[0]) + words[1..];
    }
}
