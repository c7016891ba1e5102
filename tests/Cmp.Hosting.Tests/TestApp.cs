using Cmp.Hosting.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cmp.Hosting.Tests;

/// <summary>A minimal service built exactly like the CMP services (AddCmpDefaults + Keycloak auth), on real Kestrel.</summary>
public sealed class TestApp : IAsyncDisposable
{
    readonly WebApplication _app;

    TestApp(WebApplication app) => _app = app;

    public Uri Url => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public HttpClient Client(string? bearer = null)
    {
        var c = new HttpClient { BaseAddress = Url };
        if (bearer is not null) c.DefaultRequestHeaders.Authorization = new("Bearer", bearer);
        return c;
    }

    public static async Task<TestApp> StartAsync(IDictionary<string, string?> settings, Action<WebApplication>? map = null,
        Action<WebApplicationBuilder>? configure = null, bool withAuth = true)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddCmpDefaults("test-app");
        if (withAuth) builder.Services.AddCmpAuthentication(builder.Configuration);
        else builder.Services.AddAuthentication().Services.AddAuthorization();
        configure?.Invoke(builder);
        var app = builder.Build();
        app.UseCmpDefaults();
        map?.Invoke(app);
        await app.StartAsync();
        return new TestApp(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
