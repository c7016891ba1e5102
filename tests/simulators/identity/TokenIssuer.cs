using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cmp.Simulators.Identity;

/// <summary>Builds access and ID tokens shaped like Keycloak 26's (see ../shared/reference/keycloak/keycloak.md §2).</summary>
public sealed class TokenIssuer(Realm realm, SigningKey key, TimeProvider clock)
{
    readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public SigningKey Key => key;

    public string AccessTokenFor(string issuer, RealmClient client, RealmUser user, string scope, string? sessionId) =>
        Sign(issuer, AccessClaims(client, user, scope, sessionId));

    public string IdTokenFor(string issuer, RealmClient client, RealmUser user, string? sessionId)
    {
        var claims = BaseClaims(user, "ID", sessionId);
        claims["aud"] = client.ClientId;
        claims["azp"] = client.ClientId;
        AddProfile(claims, user);
        return Sign(issuer, claims);
    }

    /// <summary>Signs arbitrary claims with the realm key (tests use it for expired or foreign-issuer tokens).</summary>
    public string Sign(string issuer, IDictionary<string, object> claims, SigningCredentials? credentials = null)
    {
        claims["iss"] = issuer;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = credentials ?? key.Credentials,
            TokenType = "JWT",
        });
    }

    public Dictionary<string, object> AccessClaims(RealmClient client, RealmUser user, string scope, string? sessionId)
    {
        var claims = BaseClaims(user, "Bearer", sessionId);
        claims["azp"] = client.ClientId;
        claims["acr"] = "1";
        claims["scope"] = scope;

        var resourceAccess = (user.ClientRoles ?? []).Where(r => r.Value.Length > 0)
            .ToDictionary(r => r.Key, r => (object)new Dictionary<string, object> { ["roles"] = r.Value });
        // Keycloak's "audience resolve" adds every client the token carries roles for; mappers add the rest.
        var audiences = client.MappedAudiences.Concat(resourceAccess.Keys).Distinct().ToList();
        if (audiences.Count == 1) claims["aud"] = audiences[0];
        else if (audiences.Count > 1) claims["aud"] = audiences;

        if (user.RealmRoles is { Count: > 0 } realmRoles)
            claims["realm_access"] = new Dictionary<string, object> { ["roles"] = realmRoles.ToList() };
        if (resourceAccess.Count > 0) claims["resource_access"] = resourceAccess;

        if (user.ServiceAccountClientId is not null)
        {
            claims["preferred_username"] = user.Username;
            claims["email_verified"] = false;
            claims["client_id"] = client.ClientId;
            claims["clientHost"] = "127.0.0.1";
            claims["clientAddress"] = "127.0.0.1";
        }
        else
        {
            AddProfile(claims, user);
        }
        return claims;
    }

    Dictionary<string, object> BaseClaims(RealmUser user, string typ, string? sessionId)
    {
        var now = clock.GetUtcNow();
        var claims = new Dictionary<string, object>
        {
            ["exp"] = (now + realm.AccessTokenLifetime).ToUnixTimeSeconds(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["jti"] = (typ == "Bearer" ? "onrtac:" : "onrtid:") + Guid.NewGuid(),
            ["sub"] = user.Subject,
            ["typ"] = typ,
        };
        if (sessionId is not null) claims["sid"] = sessionId;
        return claims;
    }

    static void AddProfile(Dictionary<string, object> claims, RealmUser user)
    {
        claims["preferred_username"] = user.Username.ToLowerInvariant();
        if (user.Email is not null) claims["email"] = user.Email.ToLowerInvariant();
        claims["email_verified"] = user.EmailVerified ?? false;
        if (user.FirstName is not null) claims["given_name"] = user.FirstName;
        if (user.LastName is not null) claims["family_name"] = user.LastName;
        var name = $"{user.FirstName} {user.LastName}".Trim();
        if (name.Length > 0) claims["name"] = name;
    }
}
