using Cmp.ControlPlane.Features;
using Cmp.ControlPlane.Features.Offerings;
using Cmp.ControlPlane.Infrastructure.Data;
using Cmp.Hosting.Auth;
using Cmp.Hosting.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Cmp.ControlPlane.Apis;

/// <summary>What CMP sells. Anyone signed in may read; platform admins write (or AgentOffering resources, via the operator).</summary>
public static class OfferingsApi
{
    public static RouteGroupBuilder MapOfferingsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/v1/offerings").WithTags("Offerings").RequireAuthorization(Policies.AnyCaller);
        g.MapGet("/", List);
        g.MapGet("/{sku}", Get);
        g.MapPut("/{sku}", Put).RequireAuthorization(Policies.PlatformAdmin);
        g.MapDelete("/{sku}", Delete).RequireAuthorization(Policies.PlatformAdmin);
        return g;
    }

    static async Task<Ok<List<OfferingView>>> List(ControlPlaneDbContext db, CancellationToken ct) =>
        TypedResults.Ok((await db.Offerings.AsNoTracking().OrderBy(o => o.Sku).ToListAsync(ct)).Select(Views.Of).ToList());

    static async Task<Results<Ok<OfferingView>, ProblemHttpResult>> Get(string sku, ControlPlaneDbContext db, CancellationToken ct) =>
        await db.Offerings.AsNoTracking().SingleOrDefaultAsync(o => o.Sku == sku, ct) is { } o
            ? TypedResults.Ok(Views.Of(o)) : OfferingErrors.NotFound(sku).ToProblem();

    /// <summary>Create or replace; PUT with the same body again changes nothing.</summary>
    static async Task<Results<Created<OfferingView>, Ok<OfferingView>, ProblemHttpResult>> Put(string sku, OfferingSpec body,
        OfferingHandlers offerings, HttpContext http, CancellationToken ct)
    {
        var result = await offerings.UpsertAsync(sku, body, "api", ct);
        if (!result.IsSuccess) return result.Error.ToProblem();
        return result.Value.Created ? TypedResults.Created($"/v1/offerings/{sku}", result.Value.Offering) : TypedResults.Ok(result.Value.Offering);
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(string sku, OfferingHandlers offerings, CancellationToken ct)
    {
        var result = await offerings.DeleteAsync(sku, ct);
        return result.IsSuccess ? TypedResults.NoContent() : result.Error.ToProblem();
    }
}
