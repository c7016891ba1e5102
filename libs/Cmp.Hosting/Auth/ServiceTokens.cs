using System.ComponentModel.DataAnnotations;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Cmp.Hosting.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cmp.Hosting.Auth;

/// <summary>This service's own identity at Keycloak (a confidential client with a service account). Bound from <c>ServiceAuth</c>.</summary>
public sealed class ServiceAuthOptions
{
    /// <summary>Token endpoint, e.g. https://auth.example.com/realms/cmp/protocol/openid-connect/token.</summary>
    [Required, Url]
    public string TokenUrl { get; set; } = "";

    [Required]
    public string ClientId { get; set; } = "";

    [Required]
    public string ClientSecret { get; set; } = "";

    /// <summary>Refresh this long before the token expires.</summary>
    public TimeSpan RefreshBefore { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Gets and caches a client-credentials access token; one fetch at a time, refreshed before expiry.</summary>
public sealed class ServiceTokenProvider(IHttpClientFactory clients, IOptions<ServiceAuthOptions> options, TimeProvider clock)
{
    public const string ClientName = "identity";

    readonly SemaphoreSlim _gate = new(1, 1);
    (string Token, DateTimeOffset RefreshAt)? _cached;

    public async ValueTask<string> GetTokenAsync(CancellationToken ct)
    {
        if (_cached is { } c && clock.GetUtcNow() < c.RefreshAt) return c.Token;
        await _gate.WaitAsync(ct);
        try
        {
            if (_cached is { } again && clock.GetUtcNow() < again.RefreshAt) return again.Token;
            var o = options.Value;
            using var request = new HttpRequestMessage(HttpMethod.Post, o.TokenUrl)
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(o.ClientId)}:{Uri.EscapeDataString(o.ClientSecret)}")));
            request.Options.Set(ResilienceHandler.Idempotent, true);   // asking for a token twice is harmless
            using var response = await clients.CreateClient(ClientName).SendAsync(request, ct);
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"Token endpoint answered {(int)response.StatusCode} for client '{o.ClientId}'.", null, response.StatusCode);
            var token = await response.Content.ReadFromJsonAsync<TokenResponse>(ct)
                ?? throw new HttpRequestException("Token endpoint returned an empty body.");
            var lifetime = TimeSpan.FromSeconds(Math.Max(token.ExpiresIn, 1));
            var refreshAt = clock.GetUtcNow() + (lifetime > o.RefreshBefore * 2 ? lifetime - o.RefreshBefore : lifetime / 2);
            _cached = (token.AccessToken, refreshAt);
            return token.AccessToken;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forget the cached token (e.g. the callee said 401: the realm key may have rotated).</summary>
    public void Invalidate() => _cached = null;

    sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}

/// <summary>Adds this service's bearer token to calls to other CMP services (unless the request carries its own);
/// on a 401, refreshes once and retries.</summary>
public sealed class ServiceTokenHandler(ServiceTokenProvider tokens) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        // A request that already carries credentials (a user's token passed on) keeps them.
        if (request.Headers.Authorization is not null) return await base.SendAsync(request, ct);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetTokenAsync(ct));
        var response = await base.SendAsync(request, ct);
        if (response.StatusCode != System.Net.HttpStatusCode.Unauthorized || !CanResend(request)) return response;
        response.Dispose();
        tokens.Invalidate();
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetTokenAsync(ct));
        return await base.SendAsync(request, ct);
    }

    static bool CanResend(HttpRequestMessage r) => r.Content is null or ByteArrayContent;
}

public static class ServiceTokenExtensions
{
    /// <summary>Registers the token provider once (client <c>identity</c>, configured from <c>Http:identity</c>).</summary>
    public static IServiceCollection AddCmpServiceTokens(this IServiceCollection services, IConfiguration config)
    {
        if (services.Any(d => d.ServiceType == typeof(ServiceTokenProvider))) return services;
        services.AddOptions<ServiceAuthOptions>().Bind(config.GetSection("ServiceAuth")).ValidateDataAnnotations().ValidateOnStart();
        services.AddCmpHttpClient(config, ServiceTokenProvider.ClientName);
        services.AddSingleton<ServiceTokenProvider>();
        services.AddTransient<ServiceTokenHandler>();
        services.TryAddTimeProvider();
        return services;
    }

    /// <summary>Sends this service's token on the client's requests.</summary>
    public static IHttpClientBuilder WithServiceToken(this IHttpClientBuilder builder, IConfiguration config)
    {
        builder.Services.AddCmpServiceTokens(config);
        return builder.AddHttpMessageHandler<ServiceTokenHandler>();
    }

    static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider))) services.AddSingleton(TimeProvider.System);
    }
}
