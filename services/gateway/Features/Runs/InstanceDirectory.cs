using System.ComponentModel.DataAnnotations;
using Cmp.ControlPlane.Client;
using Cmp.ControlPlane.Contracts;
using Cmp.Gateway.Infrastructure.Caching;
using Cmp.Primitives;
using Microsoft.Extensions.Options;

namespace Cmp.Gateway.Features.Runs;

/// <summary>Instance lookups. Bound from <c>Instances</c>.</summary>
public sealed class InstanceOptions
{
    public const string Section = "Instances";

    /// <summary>
    /// How long the control plane's answer about an instance (status, owner, price, flow) is reused. This bounds how
    /// long a suspended instance can still run here, and how long a user's lost access goes unnoticed.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromSeconds(5);

    [Range(100, 10_000_000)]
    public int MaxCacheEntries { get; set; } = 100_000;
}

/// <summary>
/// The control plane's view of instances and tenants, briefly cached. As the gateway's service identity for API keys
/// and widget tokens (which already name their instance); with the user's own token for Keycloak users, so the
/// control plane decides what they may see (another tenant's instance is "not found").
/// </summary>
public sealed class InstanceDirectory
{
    readonly IControlPlaneClient _controlPlane;
    readonly ExpiringCache<Guid, Result<InstanceView>> _instances;
    readonly ExpiringCache<(string Subject, Guid Instance), Result<InstanceView>> _userInstances;
    readonly ExpiringCache<string, Result<TenantView>> _userTenants;

    public InstanceDirectory(IControlPlaneClient controlPlane, TimeProvider clock, IOptions<InstanceOptions> options)
    {
        _controlPlane = controlPlane;
        var o = options.Value;
        _instances = new(clock, o.CacheTtl, o.MaxCacheEntries);
        _userInstances = new(clock, o.CacheTtl, o.MaxCacheEntries);
        _userTenants = new(clock, o.CacheTtl, o.MaxCacheEntries);
    }

    public Task<Result<InstanceView>> GetAsync(Guid instanceId, CancellationToken ct) =>
        _instances.GetAsync(instanceId, id => _controlPlane.GetInstanceAsync(id, CancellationToken.None), Cacheable).WaitAsync(ct);

    public Task<Result<InstanceView>> GetAsUserAsync(string subject, string userToken, Guid instanceId, CancellationToken ct) =>
        _userInstances.GetAsync((subject, instanceId), k => _controlPlane.GetInstanceAsUserAsync(k.Instance, userToken, CancellationToken.None), Cacheable)
            .WaitAsync(ct);

    /// <summary>The tenant a Keycloak user belongs to (NotFound if none).</summary>
    public Task<Result<TenantView>> GetUserTenantAsync(string subject, string userToken, CancellationToken ct) =>
        _userTenants.GetAsync(subject, _ => _controlPlane.GetMyTenantAsync(userToken, CancellationToken.None), Cacheable).WaitAsync(ct);

    /// <summary>Answers, including "not found", are reused; failures to get an answer are not.</summary>
    static bool Cacheable<T>(Result<T> r) => r.IsSuccess || r.Error.Kind is ErrorKind.NotFound or ErrorKind.Forbidden;
}
