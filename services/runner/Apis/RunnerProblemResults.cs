using Cmp.Hosting.Problems;
using Cmp.Primitives;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Cmp.Runner.Apis;

/// <summary>
/// The runner's one deviation from the shared kind → status mapping: a request that parses but breaks a rule is
/// 422 (400 stays for bodies that are not JSON of the right shape, as the framework answers them).
/// </summary>
public static class RunnerProblemResults
{
    public static int StatusFor(Error error) =>
        error.Kind == ErrorKind.Validation ? StatusCodes.Status422UnprocessableEntity : ErrorProblems.StatusFor(error.Kind);

    public static ProblemDetails ToRunnerProblemDetails(this Error error) => error.ToProblemDetails(StatusFor(error));

    public static ProblemHttpResult ToRunnerProblem(this Error error) => error.ToProblem(StatusFor(error));
}
