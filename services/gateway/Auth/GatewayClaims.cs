namespace Cmp.Gateway.Auth;

/// <summary>Claims the gateway's own authentication handlers put on a principal (Keycloak tokens keep theirs).</summary>
public static class GatewayClaims
{
    /// <summary><c>api_key</c> or <c>widget</c>; absent on Keycloak tokens.</summary>
    public const string CallerKind = "cmp_caller";
    public const string KeyId = "cmp_key_id";
    public const string InstanceId = "cmp_instance_id";
    public const string TenantId = "cmp_tenant_id";
    public const string WidgetSession = "cmp_widget_session";
    public const string Origin = "cmp_origin";

    public const string ApiKeyCaller = "api_key";
    public const string WidgetCaller = "widget";
}

/// <summary>The gateway's authentication schemes. <see cref="Selector"/> is the default and forwards by token shape.</summary>
public static class GatewaySchemes
{
    public const string Selector = "cmp";
    public const string ApiKey = "api-key";
    public const string Widget = "widget";
}

/// <summary>The gateway's authorization policies.</summary>
public static class GatewayPolicies
{
    /// <summary>Runs: an instance API key, a widget token, or a Keycloak token of a tenant user or platform admin.</summary>
    public const string Runs = "runs";

    /// <summary>Minting widget tokens: an API key or a Keycloak tenant/admin token (never a widget token itself).</summary>
    public const string WidgetInit = "widget-init";
}
