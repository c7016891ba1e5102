using Cmp.Gateway.Auth.ApiKeys;
using Cmp.Gateway.Auth.Widget;
using Cmp.Hosting.Auth;
using Cmp.Hosting.Configuration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Cmp.Gateway.Auth;

/// <summary>
/// Three kinds of bearer token, one <c>Authorization</c> header: a policy scheme looks at the token's shape and
/// forwards to the handler that understands it — <c>cmp_…</c> to the API-key handler, a widget JWT
/// (<c>typ: cmp-widget+jwt</c>) to the widget handler, anything else to Keycloak's JwtBearer (from
/// <see cref="AuthenticationSetup.AddCmpAuthentication"/>). Every refusal is problem+json with a code.
/// </summary>
public static class GatewayAuthentication
{
    public static IServiceCollection AddGatewayAuthentication(this IServiceCollection services, IConfiguration config)
    {
        services.AddCmpAuthentication(config)
            .AddPolicyScheme(GatewaySchemes.Selector, "API key, widget token or Keycloak token", o => o.ForwardDefaultSelector = Select)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(GatewaySchemes.ApiKey, null)
            .AddScheme<AuthenticationSchemeOptions, WidgetTokenHandler>(GatewaySchemes.Widget, null);
        services.Configure<AuthenticationOptions>(o => o.DefaultScheme = GatewaySchemes.Selector);

        services.AddValidatedOptions<ApiKeyOptions>(config, ApiKeyOptions.Section);
        services.AddValidatedOptions<WidgetOptions>(config, WidgetOptions.Section)
            .Validate(o => !o.Enabled || (WidgetTokens.IsStrongEnough(o.SigningKey) && o.PreviousSigningKeys.All(k => string.IsNullOrWhiteSpace(k) || WidgetTokens.IsStrongEnough(k))),
                "Widget:SigningKey (and every Widget:PreviousSigningKeys entry) must be at least 32 bytes, e.g. `openssl rand -base64 32`.");
        services.AddSingleton<ApiKeyVerifier>();
        services.AddSingleton<WidgetTokens>();

        services.AddAuthorizationBuilder()
            .AddPolicy(GatewayPolicies.Runs, p => p.RequireAuthenticatedUser().RequireAssertion(c =>
                IsCaller(c.User, GatewayClaims.ApiKeyCaller) || IsCaller(c.User, GatewayClaims.WidgetCaller)
                || c.User.IsInRole(Roles.Tenant) || c.User.IsInRole(Roles.PlatformAdmin)))
            .AddPolicy(GatewayPolicies.WidgetInit, p => p.RequireAuthenticatedUser().RequireAssertion(c =>
                IsCaller(c.User, GatewayClaims.ApiKeyCaller) || c.User.IsInRole(Roles.Tenant) || c.User.IsInRole(Roles.PlatformAdmin)));
        return services;
    }

    static bool IsCaller(System.Security.Claims.ClaimsPrincipal user, string kind) =>
        user.FindFirst(GatewayClaims.CallerKind)?.Value == kind;

    static string Select(HttpContext context)
    {
        if (BearerToken.From(context.Request) is { } token)
        {
            if (token.StartsWith(ApiKeyVerifier.Scheme, StringComparison.Ordinal)) return GatewaySchemes.ApiKey;
            if (WidgetTokens.LooksLikeWidgetToken(token)) return GatewaySchemes.Widget;
        }
        return JwtBearerDefaults.AuthenticationScheme;
    }
}
