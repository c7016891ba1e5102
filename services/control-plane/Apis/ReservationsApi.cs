using Cmp.ControlPlane.Features.Credits;
using Cmp.Hosting.Auth;
using Cmp.Hosting.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cmp.ControlPlane.Apis;

/// <summary>Settling a run's reservation: commit the actual cost, or release it. Repeating the same settlement is safe.</summary>
public static class ReservationsApi
{
    public static RouteGroupBuilder MapReservationsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/v1/reservations").WithTags("Credits").RequireAuthorization(Policies.Service);
        g.MapGet("/{id:guid}", Get);
        g.MapPost("/{id:guid}/commit", Commit);
        g.MapPost("/{id:guid}/release", Release);
        return g;
    }

    public sealed record ReleaseRequest(string? Reason = null);

    static async Task<Results<Ok<ReservationView>, ProblemHttpResult>> Get(Guid id, CreditQueries credits, CancellationToken ct) =>
        await credits.ReservationAsync(id, ct) is { } r ? TypedResults.Ok(r) : CreditErrors.ReservationNotFound(id).ToProblem();

    static async Task<Results<Ok<ReservationView>, ProblemHttpResult>> Commit(Guid id, CommitRequest body, SettleReservationHandler settle,
        CancellationToken ct) =>
        (await settle.CommitAsync(id, body.Amount, ct)).ToOk();

    static async Task<Results<Ok<ReservationView>, ProblemHttpResult>> Release(Guid id, ReleaseRequest? body, SettleReservationHandler settle,
        CancellationToken ct) =>
        (await settle.ReleaseAsync(id, body?.Reason, ct)).ToOk();
}
