using System.Text.Json;
using Cmp.Testing;

namespace Cmp.Simulators.Tests.Identity;

/// <summary>
/// The realm file is imported by the cluster's real Keycloak, so it must follow Keycloak's import rules
/// (../shared/reference/keycloak/keycloak.md §4.2) — mistakes there only show up on a real cluster.
/// </summary>
public sealed class RealmFileTests
{
    static readonly JsonElement Realm = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "charts", "cmp", "files", "cmp-realm.json"))).RootElement;

    static IEnumerable<JsonElement> Clients => Realm.GetProperty("clients").EnumerateArray();
    static IEnumerable<JsonElement> Users => Realm.GetProperty("users").EnumerateArray();

    [Fact]
    public void Built_in_client_scopes_are_not_replaced()
    {
        // A clientScopes array stops Keycloak from creating profile, email, roles, … and the roles claims vanish.
        Realm.TryGetProperty("clientScopes", out _).Should().BeFalse();
        Clients.Should().NotContain(c => Has(c, "defaultClientScopes"));
    }

    [Fact]
    public void Every_user_is_explicitly_enabled()
    {
        Users.Should().OnlyContain(u => Flag(u, "enabled"));
    }

    [Fact]
    public void People_have_email_and_names_so_password_login_works()
    {
        foreach (var user in Users.Where(u => !Has(u, "serviceAccountClientId")))
        {
            user.GetProperty("email").GetString().Should().NotBeNullOrEmpty();
            user.GetProperty("emailVerified").GetBoolean().Should().BeTrue();
            user.GetProperty("firstName").GetString().Should().NotBeNullOrEmpty();
            user.GetProperty("lastName").GetString().Should().NotBeNullOrEmpty();
        }
    }

    [Fact]
    public void Every_service_account_client_has_its_user_with_roles_and_a_pinned_secret()
    {
        foreach (var client in Clients.Where(c => Flag(c, "serviceAccountsEnabled")))
        {
            var id = client.GetProperty("clientId").GetString();
            client.GetProperty("secret").GetString().Should().NotBeNullOrEmpty($"{id} is confidential");
            Users.Should().ContainSingle(u => Str(u, "serviceAccountClientId") == id)
                .Which.GetProperty("realmRoles").GetArrayLength().Should().BeGreaterThan(0);
        }
    }

    [Fact]
    public void Every_token_issuing_client_adds_the_api_audience()
    {
        foreach (var client in Clients.Where(c => !Flag(c, "bearerOnly")))
            client.GetProperty("protocolMappers").EnumerateArray().Should().Contain(m =>
                m.GetProperty("protocolMapper").GetString() == "oidc-audience-mapper"
                && m.GetProperty("config").GetProperty("included.client.audience").GetString() == "cmp-api");
    }

    [Fact]
    public void Flags_keycloak_does_not_default_are_set_explicitly()
    {
        foreach (var client in Clients)
            foreach (var flag in new[] { "enabled", "publicClient", "standardFlowEnabled", "directAccessGrantsEnabled", "serviceAccountsEnabled" })
                Has(client, flag).Should().BeTrue($"{client.GetProperty("clientId")} should set {flag}");
    }

    static bool Has(JsonElement e, string name) => e.TryGetProperty(name, out _);
    static bool Flag(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;
    static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.GetString() : null;
}
