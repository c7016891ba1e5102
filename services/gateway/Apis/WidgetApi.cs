using Cmp.Gateway.Auth;
using Cmp.Gateway.Features.Widget;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Cmp.Gateway.Apis;

/// <summary><c>POST /v1/widget/session:init</c>: a short-lived token a web page uses to run one instance from its own origin.</summary>
public static class WidgetApi
{
    public static RouteGroupBuilder MapWidgetApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/v1/widget").RequireAuthorization(GatewayPolicies.WidgetInit).WithTags("Widget");
        g.MapPost("/session:init", Init).WithName("InitWidgetSession")
            .WithSummary("Mint a widget token bound to one instance and one origin")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return g;
    }

    static async Task<Results<Ok<WidgetSession>, ProblemHttpResult>> Init([FromBody] WidgetSessionRequest? body, HttpContext http,
        WidgetSessions sessions, CancellationToken ct)
    {
        var caller = RunCallers.From(http);
        if (!caller.TryGetValue(out var who, out var unauthenticated)) return unauthenticated.ToGatewayProblem(http);
        var session = await sessions.InitAsync(who, body, ct);
        if (!session.TryGetValue(out var s, out var error)) return error.ToGatewayProblem(http);
        http.Response.Headers.CacheControl = "no-store";   // it carries a credential
        return TypedResults.Ok(s);
    }
}
