using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cmp.Testing;
using Cmp.Testing.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Cmp.Simulators.Tests.Identity;

/// <summary>
/// The dev identity server answers like Keycloak 26 (../shared/reference/keycloak/keycloak.md): URL layout,
/// discovery, JWKS, token shapes and the token endpoint's errors.
/// </summary>
public sealed class IdentityServerTests(IdentityServerTests.Fixture fixture) : IClassFixture<IdentityServerTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        public IdentityFixture Identity { get; } = new();
        public ValueTask InitializeAsync() => Identity.InitializeAsync();
        public ValueTask DisposeAsync() => Identity.DisposeAsync();
    }

    readonly IdentityFixture _identity = fixture.Identity;
    readonly HttpClient _http = new();

    string Issuer => _identity.Server.Issuer;

    [Fact]
    public async Task Discovery_lives_under_the_realm_and_names_the_issuer_and_jwks()
    {
        var doc = await _http.GetFromJsonAsync<JsonElement>($"{Issuer}/.well-known/openid-configuration");

        doc.GetProperty("issuer").GetString().Should().Be(Issuer).And.EndWith("/realms/cmp");
        doc.GetProperty("jwks_uri").GetString().Should().Be($"{Issuer}/protocol/openid-connect/certs");
        doc.GetProperty("token_endpoint").GetString().Should().Be($"{Issuer}/protocol/openid-connect/token");
        doc.GetProperty("grant_types_supported").EnumerateArray().Select(g => g.GetString()).Should().Contain(["password", "client_credentials"]);
    }

    [Fact]
    public async Task Jwks_publishes_a_signing_key_and_an_encryption_key_like_keycloak()
    {
        var jwks = await _http.GetFromJsonAsync<JsonElement>($"{Issuer}/protocol/openid-connect/certs");

        var keys = jwks.GetProperty("keys").EnumerateArray().ToList();
        keys.Should().Contain(k => k.GetProperty("use").GetString() == "sig" && k.GetProperty("alg").GetString() == "RS256");
        keys.Should().Contain(k => k.GetProperty("use").GetString() == "enc");
    }

    [Fact]
    public async Task A_password_grant_token_has_keycloaks_user_claims()
    {
        var jwt = new JsonWebToken(await _identity.BuyerTokenAsync());

        jwt.Alg.Should().Be("RS256");
        jwt.Typ.Should().Be("JWT");
        jwt.Kid.Should().Be(_identity.Server.Tokens.Key.Kid);
        jwt.Issuer.Should().Be(Issuer);
        jwt.Audiences.Should().Equal("cmp-api");
        jwt.GetPayloadValue<string>("typ").Should().Be("Bearer");
        jwt.GetPayloadValue<string>("azp").Should().Be("cmp-web");
        jwt.Subject.Should().Be("5b0e3f2e-6c1a-4c47-9d83-1f2a3b4c5d01");
        jwt.GetPayloadValue<string>("preferred_username").Should().Be("buyer@example.com");
        jwt.GetPayloadValue<string>("email").Should().Be("buyer@example.com");
        jwt.GetPayloadValue<bool>("email_verified").Should().BeTrue();
        jwt.GetPayloadValue<JsonElement>("realm_access").GetProperty("roles").EnumerateArray().Select(r => r.GetString()).Should().Equal("tenant");
        (jwt.ValidTo - jwt.IssuedAt).Should().Be(TimeSpan.FromSeconds(300));
    }

    [Fact]
    public async Task A_client_credentials_token_is_the_service_accounts()
    {
        var jwt = new JsonWebToken(await _identity.ClientTokenAsync("cmp-provisioner"));

        jwt.GetPayloadValue<string>("preferred_username").Should().Be("service-account-cmp-provisioner");
        jwt.GetPayloadValue<string>("azp").Should().Be("cmp-provisioner");
        jwt.GetPayloadValue<string>("client_id").Should().Be("cmp-provisioner");
        jwt.GetPayloadValue<JsonElement>("realm_access").GetProperty("roles").EnumerateArray().Select(r => r.GetString()).Should().Equal("cmp-service");
        jwt.TryGetPayloadValue<string>("sid", out _).Should().BeFalse();
        jwt.TryGetPayloadValue<string>("email", out _).Should().BeFalse();
    }

    [Fact]
    public async Task The_openid_scope_adds_an_id_token_and_refresh_works()
    {
        var body = await Token(new() { ["grant_type"] = "password", ["client_id"] = "cmp-web", ["username"] = "other@example.com", ["password"] = "other", ["scope"] = "openid" });

        body.GetProperty("token_type").GetString().Should().Be("Bearer");
        body.GetProperty("expires_in").GetInt32().Should().Be(300);
        new JsonWebToken(body.GetProperty("id_token").GetString()).GetPayloadValue<string>("typ").Should().Be("ID");

        var refreshed = await Token(new() { ["grant_type"] = "refresh_token", ["client_id"] = "cmp-web", ["refresh_token"] = body.GetProperty("refresh_token").GetString()! });
        new JsonWebToken(refreshed.GetProperty("access_token").GetString()).GetPayloadValue<string>("email").Should().Be("other@example.com");
    }

    [Theory]
    [InlineData("client_credentials", "cmp-cli", "wrong", null, null, 401, "invalid_client")]
    [InlineData("client_credentials", "nobody", "x", null, null, 401, "invalid_client")]
    [InlineData("client_credentials", "cmp-web", null, null, null, 401, "unauthorized_client")]
    [InlineData("password", "cmp-cli", "cmp-cli-secret", "buyer@example.com", "buyer", 400, "unauthorized_client")]
    [InlineData("password", "cmp-web", null, "buyer@example.com", "wrong", 401, "invalid_grant")]
    [InlineData("password", "cmp-web", null, "nobody@example.com", "x", 401, "invalid_grant")]
    [InlineData("implicit", "cmp-web", null, null, null, 400, "unsupported_grant_type")]
    [InlineData("client_credentials", "cmp-api", "x", null, null, 401, "invalid_client")]
    public async Task Token_errors_use_keycloaks_codes_and_statuses(string grant, string client, string? secret, string? user, string? password, int status, string error)
    {
        var form = new Dictionary<string, string> { ["grant_type"] = grant, ["client_id"] = client };
        if (secret is not null) form["client_secret"] = secret;
        if (user is not null) form["username"] = user;
        if (password is not null) form["password"] = password;

        using var response = await _http.PostAsync($"{Issuer}/protocol/openid-connect/token", new FormUrlEncodedContent(form));

        ((int)response.StatusCode).Should().Be(status);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("error").GetString().Should().Be(error);
        body.GetProperty("error_description").GetString().Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task Basic_client_authentication_is_accepted()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Issuer}/protocol/openid-connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
        };
        request.Headers.Authorization = new("Basic", Convert.ToBase64String("cmp-gateway:cmp-gateway-secret"u8.ToArray()));

        using var response = await _http.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Userinfo_returns_the_profile_for_a_valid_token()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Issuer}/protocol/openid-connect/userinfo");
        request.Headers.Authorization = new("Bearer", await _identity.BuyerTokenAsync());

        var info = await (await _http.SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>();

        info.GetProperty("email").GetString().Should().Be("buyer@example.com");
    }

    async Task<JsonElement> Token(Dictionary<string, string> form)
    {
        using var response = await _http.PostAsync($"{Issuer}/protocol/openid-connect/token", new FormUrlEncodedContent(form));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
