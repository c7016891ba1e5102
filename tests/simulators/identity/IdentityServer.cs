using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cmp.Simulators.Identity;

/// <summary>
/// A Keycloak stand-in for development and tests: Keycloak's URL layout (<c>/realms/{realm}/…</c>), discovery,
/// JWKS, token endpoint and userinfo, serving the realm-import file the cluster's Keycloak imports. Services
/// configured for it work unchanged against a real Keycloak.
/// </summary>
public sealed class IdentityServer : IAsyncDisposable
{
    readonly WebApplication _app;

    TokenEndpoint _tokenEndpoint = null!;

    /// <summary>Token responses issued so far.</summary>
    public int TokensIssued => _tokenEndpoint.Issued;

    IdentityServer(WebApplication app, Realm realm, TokenIssuer tokens, string? publicUrl)
    {
        _app = app;
        Realm = realm;
        Tokens = tokens;
        _publicUrl = publicUrl;
    }

    readonly string? _publicUrl;

    public Realm Realm { get; }
    public TokenIssuer Tokens { get; }

    /// <summary>The listening base URL, e.g. http://127.0.0.1:8180.</summary>
    public string Url => _publicUrl ?? _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    /// <summary>The issuer (Authority) services must be configured with.</summary>
    public string Issuer => $"{Url.TrimEnd('/')}/realms/{Realm.Name}";

    public string TokenUrl => $"{Issuer}/protocol/openid-connect/token";

    public static string DefaultRealmFile => Path.Combine(AppContext.BaseDirectory, "cmp-realm.json");

    /// <param name="url">Where to listen, e.g. http://127.0.0.1:0 for any free port.</param>
    /// <param name="publicUrl">The externally visible base URL used in the issuer, if it differs from <paramref name="url"/>.</param>
    public static async Task<IdentityServer> StartAsync(string url = "http://127.0.0.1:0", string? realmFile = null,
        string? publicUrl = null, bool quiet = true)
    {
        var realm = Realm.Load(realmFile ?? DefaultRealmFile);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        if (quiet) builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var key = new SigningKey();
        var tokens = new TokenIssuer(realm, key, TimeProvider.System);
        var tokenEndpoint = new TokenEndpoint(realm, tokens, TimeProvider.System);
        var app = builder.Build();
        var server = new IdentityServer(app, realm, tokens, publicUrl?.TrimEnd('/'));
        server.Map(app, realm, key, tokenEndpoint);
        await app.StartAsync();
        return server;
    }

    void Map(WebApplication app, Realm realm, SigningKey key, TokenEndpoint tokenEndpoint)
    {
        _tokenEndpoint = tokenEndpoint;
        var encryption = new SigningKey();
        var realmPath = $"/realms/{realm.Name}";
        string IssuerOf(HttpRequest r) => $"{_publicUrl ?? $"{r.Scheme}://{r.Host}"}{realmPath}";

        app.MapGet(realmPath, (HttpRequest r) => Results.Json(new
        {
            realm = realm.Name,
            public_key = "",
            token_service = $"{IssuerOf(r)}/protocol/openid-connect",
            account_service = $"{IssuerOf(r)}/account",
            tokens_not_before = 0,
        }));
        app.MapGet($"{realmPath}/.well-known/openid-configuration", (HttpRequest r) => Results.Json(Discovery(IssuerOf(r))));
        app.MapGet($"{realmPath}/protocol/openid-connect/certs", () => Results.Json(key.Jwks(encryption)));
        app.MapPost($"{realmPath}/protocol/openid-connect/token", (Delegate)((HttpContext http) => tokenEndpoint.HandleAsync(http, IssuerOf(http.Request))));
        app.MapGet($"{realmPath}/protocol/openid-connect/userinfo", (HttpRequest r) => UserInfo(r, key, IssuerOf(r)));
        app.MapGet("/health/ready", () => Results.Json(new { status = "UP" }));
        app.MapGet("/health/live", () => Results.Json(new { status = "UP" }));
    }

    static object Discovery(string issuer) => new Dictionary<string, object>
    {
        ["issuer"] = issuer,
        ["authorization_endpoint"] = $"{issuer}/protocol/openid-connect/auth",
        ["token_endpoint"] = $"{issuer}/protocol/openid-connect/token",
        ["introspection_endpoint"] = $"{issuer}/protocol/openid-connect/token/introspect",
        ["userinfo_endpoint"] = $"{issuer}/protocol/openid-connect/userinfo",
        ["end_session_endpoint"] = $"{issuer}/protocol/openid-connect/logout",
        ["jwks_uri"] = $"{issuer}/protocol/openid-connect/certs",
        ["grant_types_supported"] = new[] { "authorization_code", "refresh_token", "password", "client_credentials" },
        ["response_types_supported"] = new[] { "code", "none", "id_token", "token", "id_token token", "code id_token", "code token", "code id_token token" },
        ["subject_types_supported"] = new[] { "public", "pairwise" },
        ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_basic", "client_secret_post" },
        ["code_challenge_methods_supported"] = new[] { "plain", "S256" },
        ["scopes_supported"] = new[] { "openid", "profile", "email", "roles", "web-origins", "acr", "basic", "offline_access" },
        ["claims_supported"] = new[] { "aud", "sub", "iss", "auth_time", "name", "given_name", "family_name", "preferred_username", "email", "acr" },
    };

    static async Task<IResult> UserInfo(HttpRequest request, SigningKey key, string issuer)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return Results.Json(new { error = "invalid_request", error_description = "Token not provided" }, statusCode: 401);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(header[7..].Trim(), new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidateAudience = false,
            IssuerSigningKey = key.Credentials.Key,
        });
        if (!result.IsValid) return Results.Json(new { error = "invalid_token", error_description = "Token verification failed" }, statusCode: 401);
        var claims = result.ClaimsIdentity.Claims.Where(c => c.Type is "sub" or "email" or "email_verified" or "preferred_username" or "name" or "given_name" or "family_name");
        return Results.Json(claims.GroupBy(c => c.Type).ToDictionary(g => g.Key, g => (object)ClaimValue(g.First())));
    }

    static object ClaimValue(Claim c) => c.ValueType == ClaimValueTypes.Boolean ? bool.Parse(c.Value) : c.Value;

    public Task WaitForShutdownAsync(CancellationToken ct) => _app.WaitForShutdownAsync(ct);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
