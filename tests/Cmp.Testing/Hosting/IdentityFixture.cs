using System.Net.Http.Json;
using System.Text.Json;
using Cmp.Simulators.Identity;
using Xunit;

namespace Cmp.Testing.Hosting;

/// <summary>The dev identity server (Keycloak stand-in) on a free port, with helpers to get real tokens from it.</summary>
public sealed class IdentityFixture : IAsyncLifetime
{
    readonly HttpClient _http = new();
    public IdentityServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await IdentityServer.StartAsync();

    /// <summary>Settings a CMP service needs to validate this server's tokens (the <c>Auth</c> section).</summary>
    public Dictionary<string, string?> AuthSettings() => new()
    {
        ["Auth:Authority"] = Server.Issuer,
        ["Auth:Audience"] = "cmp-api",
        ["Auth:RequireHttpsMetadata"] = "false",
    };

    /// <summary>Settings for a CMP service calling others as <paramref name="clientId"/> (the <c>ServiceAuth</c> section).</summary>
    public Dictionary<string, string?> ServiceAuthSettings(string clientId) => new()
    {
        ["ServiceAuth:TokenUrl"] = Server.TokenUrl,
        ["ServiceAuth:ClientId"] = clientId,
        ["ServiceAuth:ClientSecret"] = $"{clientId}-secret",
    };

    /// <summary>A client-credentials token; dev secrets follow the "&lt;client&gt;-secret" convention.</summary>
    public Task<string> ClientTokenAsync(string clientId) => TokenAsync(new()
    {
        ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = $"{clientId}-secret",
    });

    /// <summary>A password-grant token for a realm user through the public <c>cmp-web</c> client.</summary>
    public Task<string> UserTokenAsync(string username, string password) => TokenAsync(new()
    {
        ["grant_type"] = "password", ["client_id"] = "cmp-web", ["username"] = username, ["password"] = password,
    });

    public Task<string> BuyerTokenAsync() => UserTokenAsync("buyer@example.com", "buyer");
    public Task<string> OtherTokenAsync() => UserTokenAsync("other@example.com", "other");
    public Task<string> AdminTokenAsync() => ClientTokenAsync("cmp-cli");

    async Task<string> TokenAsync(Dictionary<string, string> form)
    {
        using var response = await _http.PostAsync(Server.TokenUrl, new FormUrlEncodedContent(form));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Token request failed: {body}");
        return body.GetProperty("access_token").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (Server is not null) await Server.DisposeAsync();
    }
}
