using System.Security.Claims;
using System.Text.Json;

namespace Cmp.Hosting.Auth;

/// <summary>
/// Keycloak puts roles in <c>realm_access.roles</c> and <c>resource_access.&lt;client&gt;.roles</c>; JwtBearer hands
/// each over as one claim holding raw JSON. This flattens them into ordinary role claims.
/// </summary>
public static class KeycloakRoles
{
    public const string RoleClaim = "roles";

    public static void Add(ClaimsPrincipal user, IEnumerable<string> clients)
    {
        if (user.Identity is not ClaimsIdentity id) return;
        var roles = new HashSet<string>(StringComparer.Ordinal);
        if (id.FindFirst("realm_access")?.Value is { } realm) Read(realm, roles);
        if (id.FindFirst("resource_access")?.Value is { } resource)
        {
            using var doc = TryParse(resource);
            if (doc is not null && doc.RootElement.ValueKind == JsonValueKind.Object)
                foreach (var client in clients)
                    if (doc.RootElement.TryGetProperty(client, out var access)) ReadRoles(access, roles);
        }
        foreach (var role in roles)
            if (!id.HasClaim(id.RoleClaimType, role)) id.AddClaim(new Claim(id.RoleClaimType, role));
    }

    static void Read(string json, HashSet<string> roles)
    {
        using var doc = TryParse(json);
        if (doc is not null) ReadRoles(doc.RootElement, roles);
    }

    static void ReadRoles(JsonElement access, HashSet<string> roles)
    {
        if (access.ValueKind == JsonValueKind.Object && access.TryGetProperty("roles", out var list) && list.ValueKind == JsonValueKind.Array)
            foreach (var r in list.EnumerateArray())
                if (r.ValueKind == JsonValueKind.String) roles.Add(r.GetString()!);
    }

    static JsonDocument? TryParse(string json)
    {
        try { return JsonDocument.Parse(json); }
        catch (JsonException) { return null; }
    }
}
