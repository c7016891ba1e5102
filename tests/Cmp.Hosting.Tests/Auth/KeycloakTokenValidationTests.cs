using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cmp.Hosting.Auth;
using Cmp.Testing.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.IdentityModel.Tokens;

namespace Cmp.Hosting.Tests.Auth;

/// <summary>
/// The JwtBearer setup every service uses, against real tokens from the dev identity server (Keycloak layout and
/// token shapes) and against forged ones.
/// </summary>
public sealed class KeycloakTokenValidationTests(KeycloakTokenValidationTests.Fixture fixture)
    : IClassFixture<KeycloakTokenValidationTests.Fixture>
{
    /// <summary>One identity server and one protected app for the whole class.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public IdentityFixture Identity { get; } = new();
        public TestApp App { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            await Identity.InitializeAsync();
            App = await TestApp.StartAsync(Identity.AuthSettings(), app =>
            {
                app.MapGet("/admin", () => "ok").RequireAuthorization(Policies.PlatformAdmin);
                app.MapGet("/service", () => "ok").RequireAuthorization(Policies.Service);
            });
        }

        public async ValueTask DisposeAsync()
        {
            await App.DisposeAsync();
            await Identity.DisposeAsync();
        }
    }

    readonly IdentityFixture _identity = fixture.Identity;
    readonly TestApp _app = fixture.App;

    string Issuer => _identity.Server.Issuer;

    [Fact]
    public async Task A_service_account_token_is_accepted_with_its_realm_roles()
    {
        using var client = _app.Client(await _identity.ClientTokenAsync("cmp-cli"));

        var me = await client.GetFromJsonAsync<JsonElement>("/v1/whoami");

        me.GetProperty("username").GetString().Should().Be("service-account-cmp-cli");
        me.GetProperty("client").GetString().Should().Be("cmp-cli");
        me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()).Should().Contain("platform-admin");
        (await client.GetAsync("/admin")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_user_token_from_the_password_grant_carries_email_and_tenant_role()
    {
        using var client = _app.Client(await _identity.BuyerTokenAsync());

        var me = await client.GetFromJsonAsync<JsonElement>("/v1/whoami");

        me.GetProperty("email").GetString().Should().Be("buyer@example.com");
        me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()).Should().Equal("tenant");
    }

    [Fact]
    public async Task No_token_is_401_problem_json_with_a_bearer_challenge()
    {
        using var client = _app.Client();

        var response = await client.GetAsync("/v1/whoami");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().Should().StartWith("Bearer");
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("status").GetInt32().Should().Be(401);
        problem.GetProperty("detail").GetString().Should().Contain("Authorization: Bearer");
    }

    [Fact]
    public async Task A_valid_token_without_the_required_role_is_403()
    {
        using var client = _app.Client(await _identity.BuyerTokenAsync());

        var response = await client.GetAsync("/admin");

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    [Fact]
    public async Task A_service_role_opens_service_endpoints_but_not_admin_ones()
    {
        using var client = _app.Client(await _identity.ClientTokenAsync("cmp-provisioner"));

        (await client.GetAsync("/service")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetAsync("/admin")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Roles_in_resource_access_of_the_api_client_count()
    {
        var claims = BuyerClaims();
        claims.Remove("realm_access");
        claims["resource_access"] = new Dictionary<string, object> { ["cmp-api"] = new Dictionary<string, object> { ["roles"] = new[] { "platform-admin" } } };

        var response = await Send(_identity.Server.Tokens.Sign(Issuer, claims), "/admin");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Roles_of_other_clients_do_not_count()
    {
        var claims = BuyerClaims();
        claims.Remove("realm_access");
        claims["resource_access"] = new Dictionary<string, object> { ["account"] = new Dictionary<string, object> { ["roles"] = new[] { "platform-admin" } } };

        (await Send(_identity.Server.Tokens.Sign(Issuer, claims), "/admin")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_expired_token_is_rejected()
    {
        var claims = BuyerClaims();
        claims["iat"] = DateTimeOffset.UtcNow.AddMinutes(-20).ToUnixTimeSeconds();
        claims["exp"] = DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds();

        await ShouldBeRejected(_identity.Server.Tokens.Sign(Issuer, claims), "expired");
    }

    [Fact]
    public async Task A_token_from_another_issuer_is_rejected()
    {
        await ShouldBeRejected(_identity.Server.Tokens.Sign("http://evil.example/realms/cmp", BuyerClaims()), "issuer");
    }

    [Fact]
    public async Task A_token_for_another_audience_is_rejected()
    {
        var claims = BuyerClaims();
        claims["aud"] = "account";

        await ShouldBeRejected(_identity.Server.Tokens.Sign(Issuer, claims), "audience");
    }

    [Fact]
    public async Task A_token_without_audience_is_rejected()
    {
        var claims = BuyerClaims();
        claims.Remove("aud");

        await ShouldBeRejected(_identity.Server.Tokens.Sign(Issuer, claims), "audience");
    }

    [Fact]
    public async Task An_unsigned_alg_none_token_is_rejected()
    {
        var claims = BuyerClaims();
        claims["iss"] = Issuer;
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        var payload = Base64UrlEncoder.Encode(JsonSerializer.Serialize(claims));

        await ShouldBeRejected($"{header}.{payload}.", null);
    }

    [Fact]
    public async Task A_token_signed_by_an_unknown_key_is_rejected()
    {
        using var rsa = RSA.Create(2048);
        var foreign = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = "not-published" }, SecurityAlgorithms.RsaSha256);

        await ShouldBeRejected(_identity.Server.Tokens.Sign(Issuer, BuyerClaims(), foreign), "key");
    }

    [Fact]
    public async Task A_forged_token_reusing_the_published_kid_is_rejected()
    {
        using var rsa = RSA.Create(2048);
        var forged = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = _identity.Server.Tokens.Key.Kid }, SecurityAlgorithms.RsaSha256);

        await ShouldBeRejected(_identity.Server.Tokens.Sign(Issuer, BuyerClaims(), forged), "signature");
    }

    [Fact]
    public async Task An_hs256_token_keyed_with_the_public_modulus_is_rejected()
    {
        var secret = new SymmetricSecurityKey(Base64UrlEncoder.DecodeBytes(_identity.Server.Tokens.Key.N)) { KeyId = _identity.Server.Tokens.Key.Kid };
        var hs = new SigningCredentials(secret, SecurityAlgorithms.HmacSha256);

        await ShouldBeRejected(_identity.Server.Tokens.Sign(Issuer, BuyerClaims(), hs), null);
    }

    [Fact]
    public async Task An_id_token_is_not_accepted_as_an_access_token()
    {
        var claims = BuyerClaims();
        claims["typ"] = "ID";

        await ShouldBeRejected(_identity.Server.Tokens.Sign(Issuer, claims), "access token");
    }

    Dictionary<string, object> BuyerClaims()
    {
        var realm = _identity.Server.Realm;
        return _identity.Server.Tokens.AccessClaims(realm.FindClient("cmp-web")!, realm.FindUser("buyer@example.com")!, "email profile", "s1");
    }

    async Task<HttpResponseMessage> Send(string token, string path = "/v1/whoami")
    {
        using var client = _app.Client(token);
        return await client.GetAsync(path);
    }

    async Task ShouldBeRejected(string token, string? reason)
    {
        var response = await Send(token);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().Should().Contain("invalid_token");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("code").GetString().Should().Be("invalid_token");
        if (reason is not null) problem.GetProperty("detail").GetString().Should().ContainEquivalentOf(reason);
    }
}
