using Cmp.ControlPlane.Features.Callers;
using Cmp.ControlPlane.Features.Credits;
using Cmp.ControlPlane.Features.Instances;
using Cmp.ControlPlane.Features.Tenants;
using Cmp.Hosting.Auth;
using Cmp.Hosting.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Cmp.ControlPlane.Apis;

/// <summary>Tenants (buyers), their instances and their credits. A tenant user sees only their own tenant; any other id is 404.</summary>
public static class TenantsApi
{
    public static RouteGroupBuilder MapTenantsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/v1/tenants").WithTags("Tenants").RequireAuthorization(Policies.AnyCaller);
        g.MapGet("/", Find);
        g.MapGet("/me", Me);
        g.MapPost("/", Resolve).RequireAuthorization(Policies.Service);
        g.MapGet("/{id:guid}", Get);
        g.MapGet("/{id:guid}/instances", Instances);
        g.MapGet("/{id:guid}/credits", Credits);
        g.MapGet("/{id:guid}/credits/entries", Entries);
        g.MapPost("/{id:guid}/credits/grants", Grant).RequireAuthorization(Policies.Service);
        g.MapPost("/{id:guid}/credits/refunds", Refund).RequireAuthorization(Policies.PlatformAdmin);
        g.MapPost("/{id:guid}/credits/clawbacks", ClawBack).RequireAuthorization(Policies.Service);
        g.MapPost("/{id:guid}/credits/reservations", Reserve).RequireAuthorization(Policies.Service);
        return g;
    }

    public sealed record GrantRequest(long Amount, string? OrderId = null, string? Reason = null);
    public sealed record ClawBackRequest(string OrderId, string? Reason = null);

    /// <summary><c>?email=</c>: the tenant with that e-mail, as a list of zero or one (a tenant may only find itself).</summary>
    static async Task<Results<Ok<List<TenantView>>, ProblemHttpResult>> Find(string? email, Caller caller, TenantHandlers tenants, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(email)) return Cmp.Primitives.Error.Validation("email_required", "Pass ?email= to look a tenant up.").ToProblem();
        var found = await tenants.FindByEmailAsync(email, ct);
        return TypedResults.Ok(found is not null && caller.CanSee(found.Id) ? [found] : new List<TenantView>());
    }

    static async Task<Results<Ok<TenantView>, ProblemHttpResult>> Me(Caller caller, TenantHandlers tenants, CancellationToken ct) =>
        caller.TenantId is { } id && await tenants.GetAsync(id, ct) is { } t ? TypedResults.Ok(t) : TenantErrors.NoTenantForCaller().ToProblem();

    static async Task<Results<Created<TenantView>, Ok<TenantView>, ProblemHttpResult>> Resolve(ResolveTenantRequest body, TenantHandlers tenants,
        HttpContext http, CancellationToken ct) =>
        (await tenants.ResolveAsync(body, ct)).ToCreated(http, t => $"/v1/tenants/{t.Id}");

    static async Task<Results<Ok<TenantView>, ProblemHttpResult>> Get(Guid id, Caller caller, TenantHandlers tenants, CancellationToken ct) =>
        caller.CanSee(id) && await tenants.GetAsync(id, ct) is { } t ? TypedResults.Ok(t) : TenantErrors.NotFound(id).ToProblem();

    static async Task<Results<Ok<List<InstanceView>>, ProblemHttpResult>> Instances(Guid id, Caller caller, TenantHandlers tenants,
        InstanceQueries instances, [FromQuery(Name = "include_deleted")] bool? includeDeleted, CancellationToken ct) =>
        caller.CanSee(id) && await tenants.GetAsync(id, ct) is not null
            ? TypedResults.Ok(await instances.ListAsync(id, null, includeDeleted ?? false, ct))
            : TenantErrors.NotFound(id).ToProblem();

    static async Task<Results<Ok<CreditBalance>, ProblemHttpResult>> Credits(Guid id, Caller caller, TenantHandlers tenants, CreditQueries credits,
        CancellationToken ct) =>
        caller.CanSee(id) && await tenants.GetAsync(id, ct) is not null
            ? TypedResults.Ok(await credits.BalanceAsync(id, ct))
            : TenantErrors.NotFound(id).ToProblem();

    /// <summary>Newest first; pass <c>next_cursor</c> back as <c>?before=</c> for the next page.</summary>
    static async Task<Results<Ok<EntryPage>, ProblemHttpResult>> Entries(Guid id, Caller caller, TenantHandlers tenants, CreditQueries credits,
        int? limit, long? before, CancellationToken ct)
    {
        if (limit is < 1 or > 500) return Cmp.Primitives.Error.Validation("invalid_limit", "limit must be between 1 and 500.").ToProblem();
        if (!caller.CanSee(id) || await tenants.GetAsync(id, ct) is null) return TenantErrors.NotFound(id).ToProblem();
        return TypedResults.Ok(await credits.EntriesAsync(id, limit ?? 50, before, ct));
    }

    static async Task<Results<Ok<CreditEntryView>, ProblemHttpResult>> Grant(Guid id, GrantRequest body, HttpRequest request,
        GrantCreditsHandler grants, CancellationToken ct)
    {
        var key = request.IdempotencyKey();
        if (!key.IsSuccess) return key.Error.ToProblem();
        return (await grants.GrantAsync(new GrantCredits(id, body.Amount, key.Value, body.OrderId, body.Reason), ct)).ToOk();
    }

    static async Task<Results<Ok<CreditEntryView>, ProblemHttpResult>> Refund(Guid id, RefundRequest body, HttpRequest request,
        GrantCreditsHandler grants, CancellationToken ct)
    {
        var key = request.IdempotencyKey();
        if (!key.IsSuccess) return key.Error.ToProblem();
        return (await grants.RefundAsync(new RefundCredits(id, body.Amount, key.Value, body.Reason), ct)).ToOk();
    }

    static async Task<Results<Ok<CreditEntryView>, ProblemHttpResult>> ClawBack(Guid id, ClawBackRequest body, ClawBackCreditsHandler clawbacks,
        CancellationToken ct) =>
        (await clawbacks.ClawBackAsync(new ClawBackOrderCredits(id, body.OrderId, body.Reason), ct)).ToOk();

    static async Task<Results<Ok<ReservationView>, ProblemHttpResult>> Reserve(Guid id, ReserveRequest body, HttpRequest request,
        ReserveCreditsHandler reservations, CancellationToken ct)
    {
        var key = request.IdempotencyKey();
        if (!key.IsSuccess) return key.Error.ToProblem();
        var ttl = body.TtlSeconds is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;
        return (await reservations.ReserveAsync(new ReserveCredits(id, body.Amount, key.Value, body.InstanceId, ttl), ct)).ToOk();
    }
}
