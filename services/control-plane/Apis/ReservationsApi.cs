using Cmp.ControlPlane.Features.Credits;
using Cmp.Hosting.Auth;
using Cmp.Hosting.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cmp.ControlPlane.Apis;

/// <summary>Settling a reservation: commit the actual cost, or release it (or, still open, reduce it). Repeating the same call is safe.</summary>
public static class ReservationsApi
{
    public static RouteGroupBuilder MapReservationsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/v1/reservations").WithTags("Credits").RequireAuthorization(Policies.Service);
        g.MapGet("/{id:guid}", Get);
        g.MapPost("/{id:guid}/commit", Commit);
        g.MapPost("/{id:guid}/release", Release);
        g.MapPost("/{id:guid}/reduce", Reduce);
        return g;
    }

    public sealed record ReleaseRequest(string? Reason = null);

    /// <summary>The amount the reservation keeps; the rest is freed and the reservation stays open.</summary>
    public sealed record ReduceRequest(long Amount);

    static async Task<Results<Ok<ReservationView>, ProblemHttpResult>> Get(Guid id, CreditQueries credits, CancellationToken ct) =>
        await credits.ReservationAsync(id, ct) is { } r ? TypedResults.Ok(r) : CreditErrors.ReservationNotFound(id).ToProblem();

    static async Task<Results<Ok<ReservationView>, ProblemHttpResult>> Commit(Guid id, CommitRequest body, SettleReservationHandler settle,
        CancellationToken ct) =>
        (await settle.CommitAsync(id, body.Amount, ct)).ToOk();

    static async Task<Results<Ok<ReservationView>, ProblemHttpResult>> Release(Guid id, ReleaseRequest? body, SettleReservationHandler settle,
        CancellationToken ct) =>
        (await settle.ReleaseAsync(id, body?.Reason, ct)).ToOk();

    static async Task<Results<Ok<ReservationView>, ProblemHttpResult>> Reduce(Guid id, ReduceRequest body, SettleReservationHandler settle,
        CancellationToken ct) =>
        (await settle.ReduceAsync(id, body.Amount, ct)).ToOk();
}
