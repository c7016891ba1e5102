using Cmp.ControlPlane.Features.ApiKeys;
using Cmp.ControlPlane.Features.Callers;
using Cmp.Hosting.Auth;
using Cmp.Hosting.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cmp.ControlPlane.Apis;

public static class KeysApi
{
    public static RouteGroupBuilder MapKeysApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/v1/keys").WithTags("API keys").RequireAuthorization(Policies.AnyCaller);
        g.MapDelete("/{id:guid}", Revoke);
        g.MapPost("/verify", Verify).RequireAuthorization(Policies.Service);
        return g;
    }

    

    static async Task<Results<Ok<ApiKeyView>, ProblemHttpResult>> Revoke(Guid id, Caller caller, ApiKeyHandlers keys, CancellationToken ct) =>
        (await keys.RevokeAsync(id, caller, ct)).ToOk();

    /// <summary>For the gateway: which instance a presented key opens (unknown and revoked keys are both 404).</summary>
    static async Task<Results<Ok<VerifiedApiKey>, ProblemHttpResult>> Verify(VerifyKeyRequest body, ApiKeyHandlers keys, CancellationToken ct) =>
        (await keys.VerifyAsync(body.Key, ct)).ToOk();
}
