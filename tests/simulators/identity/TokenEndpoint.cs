using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Cmp.Simulators.Identity;

/// <summary>
/// <c>POST /realms/{realm}/protocol/openid-connect/token</c>: client_credentials, password and refresh_token grants,
/// client authentication by Basic header or form fields, and Keycloak's error bodies and status codes.
/// </summary>
public sealed class TokenEndpoint(Realm realm, TokenIssuer issuer, TimeProvider clock)
{
    static readonly TimeSpan RefreshLifetime = TimeSpan.FromMinutes(30);
    readonly ConcurrentDictionary<string, (string ClientId, string Username, string Scope, string Session, DateTimeOffset Expires)> _refresh = new();

    int _issued;

    /// <summary>How many token responses were issued (tests use it to prove clients cache tokens).</summary>
    public int Issued => _issued;

    public async Task<IResult> HandleAsync(HttpContext http, string issuerUrl)
    {
        if (!http.Request.HasFormContentType)
            return Error(400, "invalid_request", "Missing form parameter: grant_type");
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var grant = form["grant_type"].ToString();
        if (grant.Length == 0) return Error(400, "invalid_request", "Missing form parameter: grant_type");

        var (clientId, secret) = ClientCredentials(http.Request, form);
        var client = clientId is null ? null : realm.FindClient(clientId);
        if (client is null || !client.IsEnabled || client.BearerOnly == true)
            return Error(401, "invalid_client", "Invalid client or Invalid client credentials");
        if (client.PublicClient != true && !FixedEquals(secret, client.Secret))
            return Error(401, "invalid_client", "Invalid client or Invalid client credentials");

        var scope = form["scope"].ToString();
        return grant switch
        {
            "client_credentials" => ClientCredentialsGrant(client, issuerUrl),
            "password" => PasswordGrant(client, form["username"].ToString(), form["password"].ToString(), scope, issuerUrl),
            "refresh_token" => RefreshGrant(client, form["refresh_token"].ToString(), issuerUrl),
            _ => Error(400, "unsupported_grant_type", "Unsupported grant_type"),
        };
    }

    IResult ClientCredentialsGrant(RealmClient client, string issuerUrl)
    {
        if (client.PublicClient == true)
            return Error(401, "unauthorized_client", "Public client not allowed to retrieve service account");
        if (client.ServiceAccountsEnabled != true || realm.ServiceAccountOf(client.ClientId) is not { } account)
            return Error(401, "unauthorized_client", "Client not enabled to retrieve service account");
        var token = issuer.AccessTokenFor(issuerUrl, client, account, "email profile", sessionId: null);
        Interlocked.Increment(ref _issued);
        return Results.Json(new Dictionary<string, object>
        {
            ["access_token"] = token,
            ["expires_in"] = (int)realm.AccessTokenLifetime.TotalSeconds,
            ["refresh_expires_in"] = 0,
            ["token_type"] = "Bearer",
            ["not-before-policy"] = 0,
            ["scope"] = "email profile",
        });
    }

    IResult PasswordGrant(RealmClient client, string username, string password, string requestedScope, string issuerUrl)
    {
        if (client.DirectAccessGrantsEnabled != true)
            return Error(400, "unauthorized_client", "Client not allowed for direct access grants");
        var user = realm.FindUser(username);
        if (user is null || !user.HasPassword(password)) return Error(401, "invalid_grant", "Invalid user credentials");
        if (!user.IsEnabled) return Error(400, "invalid_grant", "Account disabled");
        if (!user.IsFullySetUp) return Error(400, "invalid_grant", "Account is not fully set up");
        var scope = requestedScope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("openid")
            ? "openid email profile" : "email profile";
        return Issue(client, user, scope, Guid.NewGuid().ToString(), issuerUrl);
    }

    IResult RefreshGrant(RealmClient client, string refreshToken, string issuerUrl)
    {
        if (!_refresh.TryGetValue(refreshToken, out var r) || r.ClientId != client.ClientId)
            return Error(400, "invalid_grant", "Invalid refresh token");
        if (r.Expires < clock.GetUtcNow()) return Error(400, "invalid_grant", "Token is not active");
        var user = realm.FindUser(r.Username);
        if (user is null || !user.IsEnabled) return Error(400, "invalid_grant", "Session not active");
        return Issue(client, user, r.Scope, r.Session, issuerUrl);
    }

    IResult Issue(RealmClient client, RealmUser user, string scope, string session, string issuerUrl)
    {
        Interlocked.Increment(ref _issued);
        var refresh = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        _refresh[refresh] = (client.ClientId, user.Username, scope, session, clock.GetUtcNow() + RefreshLifetime);
        var body = new Dictionary<string, object>
        {
            ["access_token"] = issuer.AccessTokenFor(issuerUrl, client, user, scope, session),
            ["expires_in"] = (int)realm.AccessTokenLifetime.TotalSeconds,
            ["refresh_expires_in"] = (int)RefreshLifetime.TotalSeconds,
            ["refresh_token"] = refresh,
            ["token_type"] = "Bearer",
            ["not-before-policy"] = 0,
            ["session_state"] = session,
            ["scope"] = scope,
        };
        if (scope.StartsWith("openid", StringComparison.Ordinal))
            body["id_token"] = issuer.IdTokenFor(issuerUrl, client, user, session);
        return Results.Json(body);
    }

    static (string? ClientId, string? Secret) ClientCredentials(HttpRequest request, IFormCollection form)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0) return (Uri.UnescapeDataString(decoded[..colon]), Uri.UnescapeDataString(decoded[(colon + 1)..]));
            }
            catch (FormatException) { return (null, null); }
        }
        var id = form["client_id"].ToString();
        return (id.Length == 0 ? null : id, form["client_secret"].ToString());
    }

    static bool FixedEquals(string? a, string? b) =>
        a is not null && b is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    static IResult Error(int status, string error, string description) =>
        Results.Json(new Dictionary<string, string> { ["error"] = error, ["error_description"] = description }, statusCode: status);
}
