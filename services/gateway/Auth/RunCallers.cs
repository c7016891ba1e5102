using System.Security.Claims;
using Cmp.Gateway.Domain;
using Cmp.Hosting.Auth;
using Cmp.Primitives;

namespace Cmp.Gateway.Auth;

/// <summary>Turns an authenticated principal into the <see cref="RunCaller"/> the run use case works with.</summary>
public static class RunCallers
{
    /// <summary>
    /// The caller behind a principal authenticated by the gateway's schemes. <paramref name="accessToken"/> is the
    /// raw bearer token; it is needed (and kept) only for Keycloak users, whose instances the control plane looks up
    /// with their own token.
    /// </summary>
    public static Result<RunCaller> From(ClaimsPrincipal user, string? accessToken)
    {
        if (user.Identity?.IsAuthenticated != true)
            return new Error("unauthenticated", "Authentication is required.", ErrorKind.Unauthorized);
        switch (user.FindFirst(GatewayClaims.CallerKind)?.Value)
        {
            case GatewayClaims.ApiKeyCaller:
                return Guid.TryParse(user.FindFirst(GatewayClaims.KeyId)?.Value, out var key)
                       && Guid.TryParse(user.FindFirst(GatewayClaims.InstanceId)?.Value, out var instance)
                       && Guid.TryParse(user.FindFirst(GatewayClaims.TenantId)?.Value, out var tenant)
                    ? RunCaller.ForApiKey(key, instance, tenant)
                    : Malformed();
            case GatewayClaims.WidgetCaller:
                return user.FindFirst(GatewayClaims.WidgetSession)?.Value is { Length: > 0 } session
                       && Guid.TryParse(user.FindFirst(GatewayClaims.InstanceId)?.Value, out var wInstance)
                       && Guid.TryParse(user.FindFirst(GatewayClaims.TenantId)?.Value, out var wTenant)
                       && user.FindFirst(GatewayClaims.Origin)?.Value is { Length: > 0 } origin
                    ? RunCaller.ForWidget(session, wInstance, wTenant, origin)
                    : Malformed();
        }
        if (!user.IsInRole(Roles.Tenant) && !user.IsPlatformAdmin())
            return Error.Forbidden("forbidden", "Runs need a tenant user's or a platform admin's token, an instance API key, or a widget token.");
        if (user.Subject() is not { Length: > 0 } subject) return Malformed();
        if (string.IsNullOrEmpty(accessToken))
            return new Error("unauthenticated", "The caller's access token is needed to look up their instances.", ErrorKind.Unauthorized);
        return RunCaller.ForUser(subject, accessToken, user.IsPlatformAdmin());
    }

    /// <summary>The caller of an HTTP request (its principal and its Authorization header).</summary>
    public static Result<RunCaller> From(HttpContext http) => From(http.User, BearerToken.From(http.Request));

    static Error Malformed() => new("unauthenticated", "The credentials do not identify a caller.", ErrorKind.Unauthorized);
}
