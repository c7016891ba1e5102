namespace Cmp.Gateway.Domain;

/// <summary>How a caller proved who they are.</summary>
public enum CallerKind
{
    /// <summary>An instance API key (<c>cmp_…</c>): bound to one instance of one tenant.</summary>
    ApiKey,
    /// <summary>A Keycloak user or client token: a <c>tenant</c> user (their own instances) or a <c>platform-admin</c> (any).</summary>
    User,
    /// <summary>A widget token the gateway signed: bound to one instance and one browser origin.</summary>
    Widget,
}

/// <summary>
/// Who asks for a run, as the run use case needs it. API keys and widget tokens already name their instance and
/// tenant; a user's instances are decided by the control plane, which is asked with the user's own token.
/// </summary>
public sealed class RunCaller
{
    RunCaller(CallerKind kind, string id, Guid? tenantId, Guid? instanceId, bool isPlatformAdmin, string? accessToken, string? origin)
    {
        Kind = kind;
        Id = id;
        TenantId = tenantId;
        InstanceId = instanceId;
        IsPlatformAdmin = isPlatformAdmin;
        AccessToken = accessToken;
        Origin = origin;
    }

    public CallerKind Kind { get; }

    /// <summary>The API key's id, the user's subject, or the widget session's id.</summary>
    public string Id { get; }

    /// <summary>Known up front for API keys and widget tokens; for users it comes from the instance.</summary>
    public Guid? TenantId { get; }

    /// <summary>The one instance an API key or widget token may run; null for users.</summary>
    public Guid? InstanceId { get; }

    public bool IsPlatformAdmin { get; }

    /// <summary>The user's own bearer token, passed on to the control plane so it scopes what the user may see.</summary>
    public string? AccessToken { get; }

    /// <summary>The browser origin a widget token is bound to.</summary>
    public string? Origin { get; }

    public static RunCaller ForApiKey(Guid keyId, Guid instanceId, Guid tenantId) =>
        new(CallerKind.ApiKey, keyId.ToString(), tenantId, instanceId, false, null, null);

    public static RunCaller ForUser(string subject, string accessToken, bool isPlatformAdmin) =>
        new(CallerKind.User, subject, null, null, isPlatformAdmin, accessToken, null);

    public static RunCaller ForWidget(string sessionId, Guid instanceId, Guid tenantId, string origin) =>
        new(CallerKind.Widget, sessionId, tenantId, instanceId, false, null, origin);

    /// <summary>The rate-limit partition of this caller: one bucket per key, per user, per widget session.</summary>
    public string Partition => $"{KindName}:{Id}";

    public string KindName => Kind switch
    {
        CallerKind.ApiKey => "api_key",
        CallerKind.User => "user",
        CallerKind.Widget => "widget",
        _ => "unknown",
    };

    /// <summary>Never prints the access token.</summary>
    public override string ToString() => $"{KindName}:{Id}";
}
