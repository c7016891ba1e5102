using System.Text.Json;
using Cmp.Hosting.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Cmp.Hosting.Problems;

/// <summary>
/// Every error leaves as problem+json: unknown routes and methods (status-code pages), unreadable bodies
/// (with the parser's reason), oversized bodies, open circuits and timeouts, and unexpected exceptions
/// (logged; the response says nothing internal).
/// </summary>
public static class ProblemDetailsSetup
{
    public static IServiceCollection AddCmpProblemDetails(this IServiceCollection services)
    {
        // ASP.NET Core adds trace_id itself; we add the correlation id and, for responses produced by the framework
        // (unknown route, wrong method, body too large…), a stable code and a sentence saying what went wrong.
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            var p = ctx.ProblemDetails;
            p.Instance ??= ctx.HttpContext.Request.Path;
            if (CorrelationId.Current is { } correlation) p.Extensions.TryAdd("correlation_id", correlation);
            if (!p.Extensions.ContainsKey("code") && FrameworkProblems.TryGetValue(p.Status ?? 0, out var known))
            {
                p.Extensions["code"] = known.Code;
                p.Detail ??= known.Detail;
            }
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        // Minimal APIs throw on bad input instead of answering an empty 400, so the handler below can give the reason.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }

    static readonly Dictionary<int, (string Code, string Detail)> FrameworkProblems = new()
    {
        [400] = ("invalid_request", "The request is malformed."),
        [401] = ("unauthenticated", "Authentication is required."),
        [403] = ("forbidden", "The caller may not do this."),
        [404] = ("not_found", "No resource at this path."),
        [405] = ("method_not_allowed", "This path does not accept that HTTP method."),
        [406] = ("not_acceptable", "The Accept header asks for a representation this endpoint cannot produce."),
        [413] = ("payload_too_large", "The request body is larger than this endpoint accepts."),
        [415] = ("unsupported_media_type", "The Content-Type is not one this endpoint accepts (use application/json)."),
        [429] = ("rate_limited", "Too many requests; retry after the time in Retry-After."),
    };

    public static IApplicationBuilder UseCmpProblemDetails(this IApplicationBuilder app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}

sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        var (status, code, detail) = Classify(exception);
        if (status >= 500 && status != StatusCodes.Status503ServiceUnavailable && status != StatusCodes.Status504GatewayTimeout)
            log.LogError(exception, "Unhandled exception on {Method} {Path}", context.Request.Method, context.Request.Path);
        else
            log.LogInformation("Request failed with {Status}: {Reason}", status, detail);

        context.Response.StatusCode = status;
        var problem = new ProblemDetails
        {
            Status = status,
            Type = ErrorProblems.TypeBase + code.Replace('_', '-'),
            Title = ReasonPhrase(status),
            Detail = detail,
        };
        problem.Extensions["code"] = code;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    static (int Status, string Code, string Detail) Classify(Exception e) => e switch
    {
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
            (413, "payload_too_large", "The request body is larger than this endpoint accepts."),
        BadHttpRequestException b => (b.StatusCode, "invalid_request", Describe(b)),
        JsonException j => (400, "invalid_json", "The request body is not valid JSON: " + j.Message),
        BrokenCircuitException => (503, "dependency_unavailable", "A dependency is failing; its circuit is open. Retry later."),
        TimeoutRejectedException => (504, "dependency_timeout", "A dependency did not answer in time."),
        OperationCanceledException => (499, "client_closed_request", "The client closed the request."),
        Npgsql.NpgsqlException => (503, "database_unavailable", "The service's database is unavailable; retry later."),
        _ => (500, "internal_error", "An unexpected error occurred. The trace id identifies it in the logs."),
    };

    /// <summary>Minimal APIs wrap the parser's error; surface the innermost, useful message.</summary>
    static string Describe(BadHttpRequestException e)
    {
        var inner = e.InnerException;
        while (inner?.InnerException is not null) inner = inner.InnerException;
        return inner is null ? e.Message : $"{e.Message} {inner.Message}";
    }

    static string ReasonPhrase(int status) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } p ? p : "Error";
}
