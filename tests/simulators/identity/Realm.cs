using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cmp.Simulators.Identity;

/// <summary>The subset of Keycloak's realm-import format this server honours (the same file a real Keycloak imports).</summary>
public sealed record Realm(
    [property: JsonPropertyName("realm")] string Name,
    [property: JsonPropertyName("accessTokenLifespan")] int? AccessTokenLifespan,
    [property: JsonPropertyName("clients")] IReadOnlyList<RealmClient> Clients,
    [property: JsonPropertyName("users")] IReadOnlyList<RealmUser> Users)
{
    public TimeSpan AccessTokenLifetime => TimeSpan.FromSeconds(AccessTokenLifespan ?? 300);

    public RealmClient? FindClient(string clientId) => Clients.FirstOrDefault(c => c.ClientId == clientId);

    /// <summary>Keycloak logs users in by username, or by e-mail when loginWithEmailAllowed (case-insensitive).</summary>
    public RealmUser? FindUser(string login) => Users.FirstOrDefault(u =>
        u.ServiceAccountClientId is null
        && (string.Equals(u.Username, login, StringComparison.OrdinalIgnoreCase) || string.Equals(u.Email, login, StringComparison.OrdinalIgnoreCase)));

    public RealmUser? ServiceAccountOf(string clientId) => Users.FirstOrDefault(u => u.ServiceAccountClientId == clientId);

    public static Realm Load(string path) =>
        JsonSerializer.Deserialize<Realm>(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path} is not a realm file.");
}

public sealed record RealmClient(
    [property: JsonPropertyName("clientId")] string ClientId,
    [property: JsonPropertyName("enabled")] bool? Enabled,
    [property: JsonPropertyName("publicClient")] bool? PublicClient,
    [property: JsonPropertyName("bearerOnly")] bool? BearerOnly,
    [property: JsonPropertyName("secret")] string? Secret,
    [property: JsonPropertyName("directAccessGrantsEnabled")] bool? DirectAccessGrantsEnabled,
    [property: JsonPropertyName("serviceAccountsEnabled")] bool? ServiceAccountsEnabled,
    [property: JsonPropertyName("protocolMappers")] IReadOnlyList<ProtocolMapper>? ProtocolMappers)
{
    public bool IsEnabled => Enabled ?? true;

    /// <summary>Audiences added by <c>oidc-audience-mapper</c>s to access tokens.</summary>
    public IEnumerable<string> MappedAudiences =>
        (ProtocolMappers ?? []).Where(m => m.Mapper == "oidc-audience-mapper"
                                            && m.Config.GetValueOrDefault("access.token.claim", "true") == "true")
            .Select(m => m.Config.GetValueOrDefault("included.client.audience") ?? m.Config.GetValueOrDefault("included.custom.audience"))
            .OfType<string>();
}

public sealed record ProtocolMapper(
    [property: JsonPropertyName("protocolMapper")] string Mapper,
    [property: JsonPropertyName("config")] Dictionary<string, string> Config);

public sealed record RealmUser(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("username")] string Username,
    [property: JsonPropertyName("email")] string? Email,
    [property: JsonPropertyName("emailVerified")] bool? EmailVerified,
    [property: JsonPropertyName("enabled")] bool? Enabled,
    [property: JsonPropertyName("firstName")] string? FirstName,
    [property: JsonPropertyName("lastName")] string? LastName,
    [property: JsonPropertyName("credentials")] IReadOnlyList<Credential>? Credentials,
    [property: JsonPropertyName("realmRoles")] IReadOnlyList<string>? RealmRoles,
    [property: JsonPropertyName("clientRoles")] Dictionary<string, string[]>? ClientRoles,
    [property: JsonPropertyName("serviceAccountClientId")] string? ServiceAccountClientId)
{
    /// <summary>Realm import treats a missing <c>enabled</c> as disabled.</summary>
    public bool IsEnabled => Enabled == true;

    /// <summary>Keycloak 24+ refuses password login until e-mail and names are filled in.</summary>
    public bool IsFullySetUp => !string.IsNullOrEmpty(Email) && !string.IsNullOrEmpty(FirstName) && !string.IsNullOrEmpty(LastName);

    public string Subject => Id ?? StableId(Username);

    public bool HasPassword(string password) =>
        (Credentials ?? []).Any(c => c.Type == "password" && c.Value == password);

    static string StableId(string username)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(username));
        return new Guid(hash.AsSpan(0, 16)).ToString();
    }
}

public sealed record Credential(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("value")] string Value);
