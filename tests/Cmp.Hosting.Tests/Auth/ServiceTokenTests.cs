using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cmp.Hosting.Auth;
using Cmp.Hosting.Http;
using Microsoft.AspNetCore.Builder;
using Cmp.Testing.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cmp.Hosting.Tests.Auth;

/// <summary>Service-to-service calls carry a client-credentials token that the callee validates.</summary>
public sealed class ServiceTokenTests : IAsyncLifetime
{
    readonly IdentityFixture _identity = new();
    TestApp _callee = null!;

    public async ValueTask InitializeAsync()
    {
        await _identity.InitializeAsync();
        _callee = await TestApp.StartAsync(_identity.AuthSettings(),
            app => app.MapGet("/internal", () => "ok").RequireAuthorization(Policies.Service));
    }

    public async ValueTask DisposeAsync()
    {
        await _callee.DisposeAsync();
        await _identity.DisposeAsync();
    }

    HttpClient Caller(string clientId, string? secret = null)
    {
        var settings = _identity.ServiceAuthSettings(clientId);
        if (secret is not null) settings["ServiceAuth:ClientSecret"] = secret;
        settings["Http:callee:BaseAddress"] = _callee.Url.ToString();
        settings["Http:identity:MaxRetries"] = "0";
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddCmpHttpClient(config, "callee").WithServiceToken(config);
        return services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>().CreateClient("callee");
    }

    [Fact]
    public async Task A_service_client_gets_a_token_and_is_authorised()
    {
        var response = await Caller("cmp-gateway").GetAsync("internal");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_token_is_cached_between_calls()
    {
        var client = Caller("cmp-provisioner");
        var before = _identity.Server.TokensIssued;
        var me1 = await client.GetFromJsonAsync<JsonElement>("v1/whoami");
        var me2 = await client.GetFromJsonAsync<JsonElement>("v1/whoami");

        me1.GetProperty("client").GetString().Should().Be("cmp-provisioner");
        me2.GetProperty("subject").GetString().Should().Be(me1.GetProperty("subject").GetString());
        (_identity.Server.TokensIssued - before).Should().Be(1);
    }

    [Fact]
    public async Task A_wrong_client_secret_fails_loudly()
    {
        var act = () => Caller("cmp-gateway", "wrong").GetAsync("internal");

        (await act.Should().ThrowAsync<HttpRequestException>()).Which.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }
}
