using System.Threading.RateLimiting;
using Cmp.Gateway.Domain;
using Cmp.Gateway.Features.Runs;
using Cmp.Primitives;
using Microsoft.Extensions.Options;

namespace Cmp.Gateway.Features.RateLimits;

/// <summary>
/// Token buckets partitioned per credential and per tenant (System.Threading.RateLimiting). A request takes one token
/// from its caller's bucket before anything else happens, and one from its tenant's bucket once the tenant is known.
/// A refusal carries the time until a token is back, for the <c>Retry-After</c> header. Buckets of idle partitions
/// are dropped by the limiter itself.
/// </summary>
public sealed class RunRateLimiter : IAsyncDisposable
{
    readonly PartitionedRateLimiter<string>? _perCaller;
    readonly PartitionedRateLimiter<Guid>? _perTenant;
    readonly PartitionedRateLimiter<string>? _perAgentPlatform;

    public RunRateLimiter(IOptions<RateLimitOptions> options)
    {
        var o = options.Value;
        if (!o.Enabled) return;
        _perCaller = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => Bucket(o.PerKey)));
        _perTenant = PartitionedRateLimiter.Create<Guid, Guid>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => Bucket(o.PerTenant)));
        _perAgentPlatform = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => Bucket(o.PerAgentPlatform)));
    }

    public Result<Unit> AcquireCaller(RunCaller caller) => Acquire(_perCaller, caller.Partition, "key");

    public Result<Unit> AcquireTenant(Guid tenantId) => Acquire(_perTenant, tenantId, "tenant");

    /// <summary>An ACP request of this caller (its owner id); the wait until a token is back when refused.</summary>
    public TimeSpan? AcquireAgentPlatform(string owner) => Wait(_perAgentPlatform, owner);

    static Result<Unit> Acquire<T>(PartitionedRateLimiter<T>? limiter, T key, string name) =>
        Wait(limiter, key) is { } retryAfter ? RunErrors.RateLimited(name, retryAfter) : Unit.Value;

    /// <summary>Takes one token; null when granted (or limits are off), else the time until a token is back.</summary>
    static TimeSpan? Wait<T>(PartitionedRateLimiter<T>? limiter, T key)
    {
        if (limiter is null) return null;
        using var lease = limiter.AttemptAcquire(key);
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
    }

    static TokenBucketRateLimiterOptions Bucket(BucketOptions b) => new()
    {
        TokenLimit = b.TokenLimit,
        TokensPerPeriod = b.TokensPerPeriod,
        ReplenishmentPeriod = b.ReplenishmentPeriod,
        QueueLimit = 0,   // refuse at once with Retry-After; queueing would only move the wait into open connections
        AutoReplenishment = false,   // the partitioned limiter's own timer replenishes every bucket
    };

    public async ValueTask DisposeAsync()
    {
        if (_perCaller is not null) await _perCaller.DisposeAsync();
        if (_perTenant is not null) await _perTenant.DisposeAsync();
        if (_perAgentPlatform is not null) await _perAgentPlatform.DisposeAsync();
    }
}
