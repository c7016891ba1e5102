using Cmp.ControlPlane.Domain;
using Cmp.ControlPlane.Infrastructure.Data;
using Cmp.Hosting.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Cmp.ControlPlane.Apis;

public static class OfferingsApi
{
    public static RouteGroupBuilder MapOfferingsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/v1/offerings").WithTags("Offerings").RequireAuthorization(Policies.AnyCaller);
        g.MapGet("/", List);
        return g;
    }

    public sealed record OfferingResponse(string Sku, string Kind, string DisplayName, long PriceMinor, string Currency,
        string? FlowTemplate, long CreditsPerUnit, long CreditsPerRun, bool Enabled);

    static async Task<Ok<List<OfferingResponse>>> List(ControlPlaneDbContext db, CancellationToken ct)
    {
        var rows = await db.Offerings.AsNoTracking().OrderBy(o => o.Sku).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(ToResponse).ToList());
    }

    internal static OfferingResponse ToResponse(Offering o) =>
        new(o.Sku, o.Kind == OfferingKind.Agent ? "agent" : "credits", o.DisplayName, o.PriceMinor, o.Currency,
            o.FlowTemplate, o.CreditsPerUnit, o.CreditsPerRun, o.Enabled);
}
