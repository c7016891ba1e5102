using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Cmp.Hosting.Auth;

/// <summary><c>GET /v1/whoami</c>: what this service understood of the caller's token (subject, client, roles).
/// Useful to debug a Keycloak setup; every service has it.</summary>
public static class WhoAmIApi
{
    public sealed record WhoAmI(string? Subject, string? Username, string? Email, string? Client, IReadOnlyList<string> Roles);

    public static IEndpointRouteBuilder MapWhoAmIApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/whoami", Get).RequireAuthorization().WithTags("Identity");
        return app;
    }

    static Ok<WhoAmI> Get(ClaimsPrincipal user) =>
        TypedResults.Ok(new WhoAmI(user.Subject(), user.Identity?.Name, user.Email(), user.ClientId(),
            user.FindAll(KeycloakRoles.RoleClaim).Select(c => c.Value).Distinct().Order().ToList()));
}
