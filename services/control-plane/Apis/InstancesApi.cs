using Cmp.ControlPlane.Domain;
using Cmp.ControlPlane.Features.ApiKeys;
using Cmp.ControlPlane.Features.Callers;
using Cmp.ControlPlane.Features.Instances;
using Cmp.Hosting.Auth;
using Cmp.Hosting.Problems;
using Cmp.Primitives;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Cmp.ControlPlane.Apis;

/// <summary>Agent instances and their API keys. Tenants manage their own; another tenant's instance is 404.</summary>
public static class InstancesApi
{
    public static RouteGroupBuilder MapInstancesApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/v1/instances").WithTags("Instances").RequireAuthorization(Policies.AnyCaller);
        g.MapPost("/", Create).RequireAuthorization(Policies.Service);
        g.MapGet("/", List).RequireAuthorization(Policies.Service);
        g.MapGet("/{id:guid}", Get);
        g.MapPost("/{id:guid}/suspend", Suspend);
        g.MapPost("/{id:guid}/resume", Resume);
        g.MapPost("/{id:guid}/retry", Retry).RequireAuthorization(Policies.PlatformAdmin);
        g.MapDelete("/{id:guid}", Delete);
        g.MapPost("/{id:guid}/keys", IssueKey);
        g.MapGet("/{id:guid}/keys", ListKeys);
        return g;
    }

    static async Task<Results<Created<InstanceView>, Ok<InstanceView>, ProblemHttpResult>> Create(CreateInstanceRequest body, HttpContext http,
        CreateInstanceHandler instances, ProvisioningSignal signal, CancellationToken ct)
    {
        var key = http.Request.IdempotencyKey();
        if (!key.IsSuccess) return key.Error.ToProblem();
        var result = await instances.CreateAsync(new CreateInstance(body.TenantId, body.OfferingSku, body.Source, key.Value), ct);
        if (result.IsSuccess) signal.Pulse();
        return result.ToCreated(http, i => $"/v1/instances/{i.Id}");
    }

    /// <summary>Services look instances up by order (refunds) or tenant.</summary>
    static async Task<Ok<List<InstanceView>>> List([FromQuery(Name = "order_id")] string? orderId, [FromQuery(Name = "tenant_id")] Guid? tenantId,
        [FromQuery(Name = "include_deleted")] bool? includeDeleted, InstanceQueries instances, CancellationToken ct) =>
        TypedResults.Ok(await instances.ListAsync(tenantId, orderId, includeDeleted ?? false, ct));

    static async Task<Results<Ok<InstanceView>, ProblemHttpResult>> Get(Guid id, Caller caller, InstanceQueries instances, CancellationToken ct) =>
        await instances.GetAsync(id, ct) is { } i && caller.CanSee(i.TenantId) ? TypedResults.Ok(i) : InstanceErrors.NotFound(id).ToProblem();

    static async Task<Results<Ok<InstanceView>, ProblemHttpResult>> Suspend(Guid id, SuspendRequest? body, Caller caller,
        InstanceLifecycleHandler lifecycle, CancellationToken ct)
    {
        SuspendedBy by;
        if (body?.Cause == "refund")
        {
            if (!caller.IsPrivileged) return Error.Forbidden("forbidden", "Only CMP services suspend instances for a refund.").ToProblem();
            by = SuspendedBy.Refund;
        }
        else if (body?.Cause is { } other) return Error.Validation("invalid_cause", $"Unknown cause '{other}' (only 'refund').").ToProblem();
        else by = caller.IsPrivileged ? SuspendedBy.Platform : SuspendedBy.Tenant;
        return (await lifecycle.SuspendAsync(id, caller, by, body?.Reason, ct)).ToOk();
    }

    static async Task<Results<Ok<InstanceView>, ProblemHttpResult>> Resume(Guid id, Caller caller, InstanceLifecycleHandler lifecycle,
        ProvisioningSignal signal, CancellationToken ct)
    {
        var result = await lifecycle.ResumeAsync(id, caller, ct);
        if (result.IsSuccess && result.Value.Status == nameof(InstanceStatus.Provisioning)) signal.Pulse();
        return result.ToOk();
    }

    static async Task<Results<Ok<InstanceView>, ProblemHttpResult>> Retry(Guid id, Caller caller, InstanceLifecycleHandler lifecycle,
        ProvisioningSignal signal, CancellationToken ct)
    {
        var result = await lifecycle.RetryAsync(id, caller, ct);
        if (result.IsSuccess) signal.Pulse();
        return result.ToOk();
    }

    static async Task<Results<Ok<InstanceView>, ProblemHttpResult>> Delete(Guid id, Caller caller, InstanceLifecycleHandler lifecycle,
        ProvisioningSignal signal, CancellationToken ct)
    {
        var result = await lifecycle.DeleteAsync(id, caller, ct);
        if (result.IsSuccess) signal.Pulse();
        return result.ToOk();
    }

    /// <summary>The secret is in the response once. With an Idempotency-Key, a retry returns the same key without it.</summary>
    static async Task<Results<Created<IssuedApiKey>, Ok<IssuedApiKey>, ProblemHttpResult>> IssueKey(Guid id, IssueKeyRequest? body, Caller caller,
        HttpContext http, ApiKeyHandlers keys, CancellationToken ct)
    {
        var raw = http.Request.Headers["Idempotency-Key"].ToString();
        string? key = null;
        if (raw.Length > 0)
        {
            var parsed = IdempotencyKey.Parse(raw);
            if (!parsed.IsSuccess) return parsed.Error.ToProblem();
            key = parsed.Value.Value;
        }
        http.Response.Headers.CacheControl = "no-store";
        return (await keys.IssueAsync(id, caller, body?.Name, key, ct)).ToCreated(http, k => $"/v1/keys/{k.Id}");
    }

    static async Task<Results<Ok<List<ApiKeyView>>, ProblemHttpResult>> ListKeys(Guid id, Caller caller, ApiKeyHandlers keys, CancellationToken ct) =>
        (await keys.ListAsync(id, caller, ct)).ToOk();
}
