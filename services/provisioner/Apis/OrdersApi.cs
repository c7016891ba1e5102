using Cmp.Hosting.Auth;
using Cmp.Hosting.Problems;
using Cmp.Primitives;
using Cmp.Provisioner.Domain;
using Cmp.Provisioner.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cmp.Provisioner.Apis;

/// <summary>For the platform team: what the provisioner did with one Saleor order.</summary>
public static class OrdersApi
{
    public static RouteGroupBuilder MapOrdersApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/v1/orders").WithTags("Orders").RequireAuthorization(Policies.PlatformAdmin);
        g.MapGet("/", Get);
        return g;
    }

    /// <summary><c>?id=</c> takes the Saleor order id (a base64 global id, which does not fit a path segment).</summary>
    static async Task<Results<Ok<OrderState>, ProblemHttpResult>> Get(string? id, OrderStates orders, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(id)) return Error.Validation("id_required", "Pass ?id=<Saleor order id>.").ToProblem();
        return await orders.GetAsync(id, ct) is { } state
            ? TypedResults.Ok(state)
            : Error.NotFound("order_not_found", $"The provisioner has not seen order {id}.").ToProblem();
    }
}
