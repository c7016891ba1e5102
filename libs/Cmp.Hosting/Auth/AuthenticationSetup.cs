using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cmp.Hosting.Auth;

/// <summary>
/// JwtBearer configured for a Keycloak realm from the <c>Auth</c> section: issuer from discovery (or
/// <c>Auth:ValidIssuer</c>), audience check, RS256 only, access tokens only (<c>typ: Bearer</c>), roles from
/// <c>realm_access</c> and <c>resource_access</c>. Missing configuration fails at startup, never opens the door.
/// </summary>
public static class AuthenticationSetup
{
    public static AuthenticationBuilder AddCmpAuthentication(this IServiceCollection services, IConfiguration config)
    {
        var section = config.GetSection("Auth");
        services.AddOptions<KeycloakAuthOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();

        var builder = services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<KeycloakAuthOptions>>((o, keycloak) => Configure(o, keycloak.Value));

        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.PlatformAdmin, p => p.RequireRole(Roles.PlatformAdmin))
            .AddPolicy(Policies.Service, p => p.RequireRole(Roles.Service, Roles.PlatformAdmin))
            .AddPolicy(Policies.AnyCaller, p => p.RequireRole(Roles.Tenant, Roles.Service, Roles.PlatformAdmin));
        return builder;
    }

    static void Configure(JwtBearerOptions o, KeycloakAuthOptions k)
    {
        o.Authority = k.Authority.TrimEnd('/');
        if (!string.IsNullOrWhiteSpace(k.MetadataAddress)) o.MetadataAddress = k.MetadataAddress;
        o.RequireHttpsMetadata = k.RequireHttpsMetadata;
        o.Audience = k.Audience;
        o.MapInboundClaims = false;   // keep sub, preferred_username, realm_access under their JWT names
        o.RefreshOnIssuerKeyNotFound = true;
        var p = o.TokenValidationParameters;
        p.ValidateIssuer = true;
        p.ValidateAudience = true;
        p.ValidateLifetime = true;
        p.RequireExpirationTime = true;
        p.RequireSignedTokens = true;
        if (!string.IsNullOrWhiteSpace(k.ValidIssuer)) p.ValidIssuer = k.ValidIssuer;
        p.ValidAlgorithms = [SecurityAlgorithms.RsaSha256];
        p.NameClaimType = "preferred_username";
        p.RoleClaimType = KeycloakRoles.RoleClaim;
        p.ClockSkew = k.ClockSkew;

        o.Events = new JwtBearerEvents
        {
            OnTokenValidated = ctx =>
            {
                // Keycloak's ID and refresh tokens are also signed JWTs; only access tokens open the API.
                if (ctx.SecurityToken is JsonWebToken jwt && jwt.TryGetPayloadValue<string>("typ", out var typ)
                    && !string.Equals(typ, "Bearer", StringComparison.OrdinalIgnoreCase))
                {
                    ctx.Fail(new SecurityTokenInvalidTypeException($"Token type '{typ}' is not an access token."));
                    return Task.CompletedTask;
                }
                KeycloakRoles.Add(ctx.Principal!, k.RoleClients);
                return Task.CompletedTask;
            },
            OnChallenge = async ctx =>
            {
                ctx.HandleResponse();
                await AuthProblems.WriteUnauthorizedAsync(ctx.HttpContext, ctx.AuthenticateFailure);
            },
            OnForbidden = ctx => AuthProblems.WriteForbiddenAsync(ctx.HttpContext),
        };
    }
}
