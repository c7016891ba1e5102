using System.Globalization;
using Cmp.Hosting.Problems;
using Cmp.Primitives;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Cmp.Gateway.Apis;

/// <summary>
/// Error → problem+json for the gateway's APIs: the shared kind → status mapping, except that a request that parses
/// but breaks a rule is 422 (as at the runner), and a 429 carries <c>Retry-After</c>.
/// </summary>
public static class GatewayProblems
{
    public static int StatusFor(Error error) =>
        error.Kind == ErrorKind.Validation ? StatusCodes.Status422UnprocessableEntity : ErrorProblems.StatusFor(error.Kind);

    public static ProblemDetails ToGatewayProblemDetails(this Error error) => error.ToProblemDetails(StatusFor(error));

    public static ProblemHttpResult ToGatewayProblem(this Error error, HttpContext http)
    {
        if (error.Details.TryGetValue("retry_after", out var seconds) && seconds is long s)
            http.Response.Headers.RetryAfter = s.ToString(CultureInfo.InvariantCulture);
        if (error.Details.ContainsKey("replayed")) http.Response.Headers["Idempotent-Replayed"] = "true";
        return TypedResults.Problem(error.ToGatewayProblemDetails());
    }
}
