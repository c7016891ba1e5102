using Cmp.Kubernetes.Client;
using Cmp.Kubernetes.Model;
using Microsoft.Extensions.Logging;

namespace Cmp.Kubernetes.Operator;

/// <summary>
/// client-go's leader election over a <c>coordination.k8s.io/v1</c> Lease. A candidate takes the Lease when nobody
/// holds it or when it has seen the same record, unchanged, for <see cref="LeaderElectionOptions.LeaseDuration"/>
/// measured on its own clock (so clock skew between nodes does not matter). Every write carries the Lease's
/// resourceVersion, so of two candidates racing only one wins (the other gets a 409). The leader renews every
/// RetryPeriod and stops leading if it could not renew for RenewDeadline — before any other replica may take over.
/// </summary>
public sealed class LeaderElector(IKubeClient client, LeaderElectionOptions options, string identity, string ns, TimeProvider clock, ILogger log)
{
    LeaseSpec? _observed;
    DateTimeOffset _observedAt;
    volatile bool _leading;

    public string Identity => identity;

    public bool IsLeader => _leading;

    /// <summary>Raised with true when this replica starts leading, false when it stops.</summary>
    public event Action<bool>? LeadershipChanged;

    /// <summary>Campaigns until cancelled; runs <paramref name="lead"/> while leading and cancels its token the moment
    /// leadership is lost. On cancellation, waits for <paramref name="lead"/> to return, then releases the Lease.</summary>
    public async Task RunAsync(Func<CancellationToken, Task> lead, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            if (!await AcquireAsync(ct)) return;
            SetLeading(true);
            log.LogInformation("{Identity} became leader (Lease {Namespace}/{Name})", identity, ns, options.LeaseName);
            using var leading = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var work = Guard(lead, leading.Token);
            var renew = RenewUntilLostAsync(leading.Token);
            await Task.WhenAny(work, renew);
            await leading.CancelAsync();
            await work;
            var lost = !ct.IsCancellationRequested;
            SetLeading(false);
            if (lost)
            {
                log.LogWarning("{Identity} lost leadership (could not renew the Lease within {Deadline})", identity, options.RenewDeadline);
                continue;
            }
            if (options.ReleaseOnCancel) await ReleaseAsync();
        }
    }

    async Task Guard(Func<CancellationToken, Task> lead, CancellationToken ct)
    {
        try
        {
            await lead(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            log.LogError(e, "The leader's work failed; giving up leadership");
        }
    }

    void SetLeading(bool value)
    {
        _leading = value;
        LeadershipChanged?.Invoke(value);
    }

    async Task<bool> AcquireAsync(CancellationToken ct)
    {
        var logged = false;
        while (!ct.IsCancellationRequested)
        {
            if (await TryAcquireOrRenewAsync(ct)) return true;
            if (!logged && _observed?.HolderIdentity is { Length: > 0 } holder)
            {
                log.LogInformation("{Identity} is waiting: {Holder} holds the Lease", identity, holder);
                logged = true;
            }
            try { await Task.Delay(Jitter(options.RetryPeriod), clock, ct); }
            catch (OperationCanceledException) { return false; }
        }
        return false;
    }

    async Task RenewUntilLostAsync(CancellationToken ct)
    {
        var lastRenew = clock.GetUtcNow();
        while (!ct.IsCancellationRequested)
        {
            try { await Task.Delay(options.RetryPeriod, clock, ct); }
            catch (OperationCanceledException) { return; }
            var left = lastRenew + options.RenewDeadline - clock.GetUtcNow();
            if (left > TimeSpan.Zero && await TryAcquireOrRenewAsync(ct, left)) lastRenew = clock.GetUtcNow();
            else if (clock.GetUtcNow() - lastRenew >= options.RenewDeadline) return;
        }
    }

    /// <summary>One round of client-go's <c>tryAcquireOrRenew</c>.</summary>
    async Task<bool> TryAcquireOrRenewAsync(CancellationToken ct, TimeSpan? within = null)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(within ?? options.RenewDeadline);
        try
        {
            var now = clock.GetUtcNow();
            var got = await client.GetAsync<Lease>(options.LeaseName, ns, bounded.Token);
            if (!got.IsSuccess)
            {
                if (!got.Error.IsNotFound())
                {
                    log.LogWarning("Reading Lease {Namespace}/{Name} failed: {Error}", ns, options.LeaseName, got.Error.Message);
                    return false;
                }
                var created = await client.CreateAsync(new Lease
                {
                    Metadata = new ObjectMeta { Name = options.LeaseName, Namespace = ns },
                    Spec = Record(now, now, 0),
                }, bounded.Token);
                if (!created.IsSuccess) return false;   // another candidate created it first
                Observe(created.Value.Spec, now);
                return true;
            }
            var lease = got.Value;
            if (!Same(lease.Spec, _observed)) Observe(lease.Spec, now);
            var holder = lease.Spec.HolderIdentity;
            var duration = TimeSpan.FromSeconds(lease.Spec.LeaseDurationSeconds ?? (int)options.LeaseDuration.TotalSeconds);
            if (!string.IsNullOrEmpty(holder) && holder != identity && _observedAt + duration > now) return false;

            lease.Spec = holder == identity
                ? Record(lease.Spec.AcquireTime ?? now, now, lease.Spec.LeaseTransitions ?? 0)
                : Record(now, now, (lease.Spec.LeaseTransitions ?? 0) + 1);
            var updated = await client.ReplaceAsync(lease, bounded.Token);   // carries resourceVersion: 409 if we lost a race
            if (!updated.IsSuccess) return false;
            Observe(updated.Value.Spec, now);
            return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;   // this attempt ran out of time
        }
    }

    LeaseSpec Record(DateTimeOffset acquired, DateTimeOffset renewed, int transitions) => new()
    {
        HolderIdentity = identity,
        LeaseDurationSeconds = (int)Math.Ceiling(options.LeaseDuration.TotalSeconds),
        AcquireTime = acquired,
        RenewTime = renewed,
        LeaseTransitions = transitions,
    };

    /// <summary>Hands the Lease back (holder cleared, 1 s duration) so a waiting replica takes over without waiting out the lease.</summary>
    async Task ReleaseAsync()
    {
        using var timeout = new CancellationTokenSource(options.RenewDeadline);
        try
        {
            var got = await client.GetAsync<Lease>(options.LeaseName, ns, timeout.Token);
            if (!got.IsSuccess || got.Value.Spec.HolderIdentity != identity) return;
            var lease = got.Value;
            var now = clock.GetUtcNow();
            lease.Spec = new LeaseSpec
            {
                HolderIdentity = null, LeaseDurationSeconds = 1, AcquireTime = now, RenewTime = now,
                LeaseTransitions = lease.Spec.LeaseTransitions,
            };
            var released = await client.ReplaceAsync(lease, timeout.Token);
            if (released.IsSuccess) log.LogInformation("{Identity} released the Lease", identity);
            else log.LogWarning("{Identity} could not release the Lease: {Error}", identity, released.Error.Message);
        }
        catch (OperationCanceledException)
        {
            log.LogWarning("{Identity} could not release the Lease in time", identity);
        }
    }

    void Observe(LeaseSpec spec, DateTimeOffset at)
    {
        _observed = KubeJson.Clone(spec);
        _observedAt = at;
    }

    static bool Same(LeaseSpec a, LeaseSpec? b) => b is not null && KubeJson.Serialize(a) == KubeJson.Serialize(b);

    static TimeSpan Jitter(TimeSpan d) => d + TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * d.TotalMilliseconds * 0.2);

    public static string DefaultIdentity() =>
        $"{(Environment.GetEnvironmentVariable("POD_NAME") is { Length: > 0 } pod ? pod : Environment.MachineName)}_{Guid.NewGuid().ToString("N")[..8]}";
}
