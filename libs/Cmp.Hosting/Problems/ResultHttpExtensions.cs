using Cmp.Primitives;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cmp.Hosting.Problems;

/// <summary>Turns a handler's <see cref="Result{T}"/> into typed HTTP results, so OpenAPI lists both outcomes.</summary>
public static class ResultHttpExtensions
{
    public static Results<Ok<T>, ProblemHttpResult> ToOk<T>(this Result<T> result) =>
        result.IsSuccess ? TypedResults.Ok(result.Value) : result.Error.ToProblem();

    /// <summary>201 with a Location for a new resource; 200 with <c>Idempotent-Replayed: true</c> when the same
    /// idempotency key found the resource created by an earlier call.</summary>
    public static Results<Created<T>, Ok<T>, ProblemHttpResult> ToCreated<T>(this Result<(T Value, bool Created)> result,
        HttpContext http, Func<T, string> location)
    {
        if (!result.IsSuccess) return result.Error.ToProblem();
        var (value, created) = result.Value;
        if (created) return TypedResults.Created(location(value), value);
        http.Response.Headers["Idempotent-Replayed"] = "true";
        return TypedResults.Ok(value);
    }

    /// <summary>The <c>Idempotency-Key</c> header, validated; required for operations that must not happen twice.</summary>
    public static Result<string> IdempotencyKey(this HttpRequest request) =>
        Cmp.Primitives.IdempotencyKey.Parse(request.Headers["Idempotency-Key"].ToString()).Map(k => k.Value);
}
