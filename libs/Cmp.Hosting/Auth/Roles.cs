namespace Cmp.Hosting.Auth;

/// <summary>Realm roles of the <c>cmp</c> Keycloak realm.</summary>
public static class Roles
{
    /// <summary>Operators: everything, every tenant.</summary>
    public const string PlatformAdmin = "platform-admin";
    /// <summary>CMP's own services (provisioner, gateway, control plane) calling each other.</summary>
    public const string Service = "cmp-service";
    /// <summary>A buyer: their own resources only.</summary>
    public const string Tenant = "tenant";
}

/// <summary>Authorization policy names.</summary>
public static class Policies
{
    public const string PlatformAdmin = "platform-admin";
    /// <summary>A CMP service or a platform admin.</summary>
    public const string Service = "service";
    /// <summary>Any of tenant, service or admin; handlers still scope data to the caller.</summary>
    public const string AnyCaller = "any-caller";
}
