using System.ComponentModel.DataAnnotations;

namespace Cmp.Hosting.Auth;

/// <summary>
/// JWT bearer validation for a Keycloak realm. Bound from <c>Auth</c>. The same keys work for the dev identity
/// server and a real Keycloak: only the URLs change.
/// </summary>
public sealed class KeycloakAuthOptions
{
    /// <summary>The realm URL, e.g. https://auth.example.com/realms/cmp (discovery is Authority + /.well-known/openid-configuration).</summary>
    [Required, Url]
    public string Authority { get; set; } = "";

    /// <summary>The audience every token must carry (Keycloak: an audience mapper on the clients).</summary>
    [Required]
    public string Audience { get; set; } = "cmp-api";

    /// <summary>When the service reaches Keycloak through an internal URL but tokens carry the public issuer.</summary>
    public string? ValidIssuer { get; set; }

    /// <summary>Internal discovery URL, if it differs from Authority.</summary>
    public string? MetadataAddress { get; set; }

    /// <summary>Plain-HTTP discovery is for development only.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Clients whose <c>resource_access.&lt;client&gt;.roles</c> count as roles (realm roles always do).</summary>
    public string[] RoleClients { get; set; } = ["cmp-api"];

    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);
}
