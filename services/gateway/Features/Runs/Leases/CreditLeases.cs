using System.Collections.Concurrent;
using System.Threading.Channels;
using Cmp.Gateway.Domain;
using Cmp.Primitives;
using Microsoft.Extensions.Options;

namespace Cmp.Gateway.Features.Runs.Leases;

/// <summary>
/// Meters runs against credit leases (<c>Runs:CreditLeases</c>): per tenant, one open block of reserved credits that
/// runs draw their maximum cost from in memory, and give back what they did not spend when they end. When a lease
/// is too small for the next run or older than <c>Runs:LeaseDuration</c>, it closes: what its runs in flight cannot
/// use is handed back to the ledger at once (the reservation is reduced), and once its last run ended it is settled
/// with the sum of its runs' recorded costs (<see cref="LeaseSettlement"/>). A new lease is sized to what the
/// tenant drew from the last one, so a busy tenant makes a ledger round trip about once per lease, not per run.
/// Credits can never be overspent: a run draws only what its lease still holds, and the ledger never lets leases
/// hold more than the balance.
/// </summary>
public sealed class CreditLeases(RunCredits credits, LeaseStore store, LeaseSettlement settlement, TimeProvider clock,
    IOptionsMonitor<RunsOptions> options, ILogger<CreditLeases> log) : BackgroundService
{
    /// <summary>What a run took from a lease; give it back with <see cref="Return"/> once the run's outcome is recorded.</summary>
    public sealed record Draw(Lease Lease, long Reserved)
    {
        public Guid LeaseId => Lease.Row.Id;
    }

    /// <summary>A lease as this replica meters it. Its counters change under its own lock.</summary>
    public sealed class Lease(CreditLease row, long opened)
    {
        public CreditLease Row { get; } = row;
        internal long Opened { get; } = opened;
        internal long Drawn;     // the maximum cost of runs in flight plus the cost of runs that ended
        internal int InFlight;
        internal bool Closed;
        internal int Attempts;   // failed settlements so far
    }

    /// <summary>One tenant's open lease, the next one being opened ahead of need, and the gate that lets one run at a
    /// time open a lease when there is none to take. <see cref="Current"/> and <see cref="Next"/> change under its lock.</summary>
    sealed class Tenant(Guid id)
    {
        public Guid Id { get; } = id;
        public readonly SemaphoreSlim Gate = new(1, 1);
        public volatile Lease? Current;
        public volatile Task<Result<Lease>>? Next;
        public Task Closing = Task.CompletedTask;   // leases being closed in the background, one after the other
        public long Waiting;     // credits wanted by runs queued at the gate: the next lease is sized for them too
    }

    readonly ConcurrentDictionary<Guid, Tenant> _tenants = new();
    readonly Channel<Lease> _drained = Channel.CreateUnbounded<Lease>();
    int _undrained;   // closed leases with runs still going

    /// <summary>Takes the run's maximum cost from the tenant's lease, opening a new one when needed.</summary>
    public async Task<Result<Draw>> DrawAsync(RunTarget target)
    {
        var tenant = _tenants.GetOrAdd(target.TenantId, id => new Tenant(id));
        var need = target.Price.Reserve;
        var current = tenant.Current;
        if (TryDraw(current, need) is { } draw)
        {
            Prefetch(tenant, current!, target);
            return draw;
        }
        if (Promote(tenant, current) is { } next && TryDraw(next, need) is { } onNext) return onNext;

        Interlocked.Add(ref tenant.Waiting, need);
        await tenant.Gate.WaitAsync();
        try
        {
            Interlocked.Add(ref tenant.Waiting, -need);
            // An idle tenant's entry is dropped under its gate (see Forget): start again with the live one.
            if (!_tenants.TryGetValue(target.TenantId, out var live) || live != tenant) return await DrawAsync(target);
            // Another run may have opened a lease while this one waited at the gate, or one may be on its way.
            if (TryDraw(tenant.Current, need) is { } drawn) return drawn;
            if (tenant.Next is { } pending)
            {
                await pending;
                if (Promote(tenant, tenant.Current) is { } ready && TryDraw(ready, need) is { } onReady) return onReady;
            }
            Lease? previous;
            lock (tenant)
            {
                previous = tenant.Current;
                tenant.Current = null;
                if (previous is not null) CloseLater(tenant, previous);
            }
            var opened = await OpenAsync(tenant, target, need, Size(previous, need, need + Interlocked.Read(ref tenant.Waiting)));
            if (!opened.TryGetValue(out var lease, out var error))
            {
                // The credits may have gone to a lease being opened ahead of need meanwhile: take that one.
                if (tenant.Next is not { } late) return error;
                await late;
                return Promote(tenant, tenant.Current) is { } promoted && TryDraw(promoted, need) is { } onLate ? onLate : error;
            }
            var result = TryDraw(lease, need)!;
            Replace(tenant, lease);
            return result;
        }
        finally
        {
            tenant.Gate.Release();
        }
    }

    /// <summary>
    /// Opens the tenant's next lease ahead of need once three quarters of the current one are drawn or of its time are gone, so a
    /// busy tenant's runs rarely wait for the ledger: when the current lease cannot take a run, the next one takes over.
    /// </summary>
    void Prefetch(Tenant tenant, Lease current, RunTarget target)
    {
        if (tenant.Next is not null) return;
        bool due;
        lock (current)
            due = current.Drawn * 4 >= current.Row.CreditsReserved * 3 || clock.GetElapsedTime(current.Opened) * 4 >= options.CurrentValue.LeaseDuration * 3;
        if (!due) return;
        lock (tenant)
        {
            if (tenant.Next is not null || tenant.Current != current) return;
            tenant.Next = OpenAsync(tenant, target, target.Price.Reserve, Size(current, target.Price.Reserve, target.Price.Reserve));
        }
    }

    /// <summary>Makes the prefetched lease, if it is ready, the current one (closing <paramref name="current"/> in the background).</summary>
    Lease? Promote(Tenant tenant, Lease? current)
    {
        Lease? next;
        lock (tenant)
        {
            if (tenant.Next is not { IsCompleted: true } ready || tenant.Current != current) return null;
            tenant.Next = null;
            if (!ready.Result.TryGetValue(out next, out _)) return null;   // it failed: the next run opens one itself
            tenant.Current = next;
            if (current is not null) CloseLater(tenant, current);
        }
        return next;
    }

    /// <summary>Makes <paramref name="lease"/> the current one; a lease it displaces (promoted meanwhile) is closed.</summary>
    void Replace(Tenant tenant, Lease lease)
    {
        lock (tenant)
        {
            if (tenant.Current is { } displaced) CloseLater(tenant, displaced);
            tenant.Current = lease;
        }
    }

    /// <summary>
    /// Closes a lease in the background; the tenant's next reservation waits for it only if the ledger says the credits
    /// are short (they may be in that lease). Called under the tenant's lock, in the same step that takes the lease
    /// out of <see cref="Tenant.Current"/>, so a run never sees the lease gone but its closing not yet registered.
    /// </summary>
    void CloseLater(Tenant tenant, Lease lease)
    {
        tenant.Closing = AfterAsync(tenant.Closing, lease);

        async Task AfterAsync(Task earlier, Lease closing)
        {
            await Task.Yield();   // out of the caller's lock before any work
            await earlier;
            try
            {
                await CloseAsync(closing);
            }
            catch (Exception e)
            {
                log.LogWarning(e, "Closing credit lease {LeaseId} failed; it is settled when its last run ends or by the worker", closing.Row.Id);
            }
        }
    }

    /// <summary>
    /// The run ended and its outcome was written (or could not be: then its record still says running, and the lease
    /// counts it as free). Gives back the part of its draw it did not spend; the lease's last run settles a closed lease.
    /// </summary>
    public void Return(Draw draw, long charged)
    {
        var lease = draw.Lease;
        bool drained;
        lock (lease)
        {
            lease.InFlight--;
            lease.Drawn -= draw.Reserved - Math.Clamp(charged, 0, draw.Reserved);
            drained = lease.Closed && lease.InFlight == 0;
        }
        if (!drained) return;
        Interlocked.Decrement(ref _undrained);
        _drained.Writer.TryWrite(lease);
    }

    Draw? TryDraw(Lease? lease, long need)
    {
        if (lease is null) return null;
        lock (lease)
        {
            if (lease.Closed || lease.Row.CreditsReserved - lease.Drawn < need || clock.GetElapsedTime(lease.Opened) >= options.CurrentValue.LeaseDuration)
                return null;
            lease.Drawn += need;
            lease.InFlight++;
            return new Draw(lease, need);
        }
    }

    /// <summary>
    /// At least what the waiting runs need and <c>Runs:MinLeaseRuns</c> runs' worth; more for a busy tenant: twice what
    /// the last lease drew per <c>Runs:LeaseDuration</c> (so a steady tenant needs one lease per period); at most
    /// <c>Runs:MaxLeaseCredits</c>. The ledger may grant less (see <see cref="OpenAsync"/>).
    /// </summary>
    long Size(Lease? previous, long need, long waiting)
    {
        var o = options.CurrentValue;
        var size = Math.Max(waiting, need * o.MinLeaseRuns);
        if (previous is not null)
        {
            long drawn;
            lock (previous) drawn = previous.Drawn;
            var age = Math.Max(clock.GetElapsedTime(previous.Opened).TotalSeconds, 0.001);
            size = Math.Max(size, (long)Math.Ceiling(2 * drawn / age * o.LeaseDuration.TotalSeconds));
        }
        return Math.Clamp(size, waiting, Math.Max(o.MaxLeaseCredits, waiting));
    }

    async Task<Result<Lease>> OpenAsync(Tenant tenant, RunTarget target, long need, long size)
    {
        var o = options.CurrentValue;
        var ttl = o.ReservationTtl + o.LeaseDuration;
        var waited = false;
        while (true)
        {
            var id = Guid.CreateVersion7(clock.GetUtcNow());
            var reserved = await credits.ReserveLeaseAsync(LeaseSettlement.ReservationKey(id), target, size, ttl);
            if (!reserved.TryGetValue(out var reservation, out var error))
            {
                if (error.Kind != ErrorKind.PaymentRequired) return error;
                // Less than hoped for is still a lease, as long as it covers this run.
                if (RunErrors.Long(error, "available") is { } available && available >= need && available < size)
                {
                    size = available;
                    continue;
                }
                // Too little: the credits may still be in this tenant's leases being closed; once they are back, ask again.
                Task closing;
                lock (tenant) closing = tenant.Closing;
                if (waited || closing.IsCompleted) return error;
                await closing;
                waited = true;
                continue;
            }
            var now = clock.GetUtcNow();
            var row = new CreditLease
            {
                Id = id, TenantId = target.TenantId, ReservationId = reservation.Id, CreditsReserved = reservation.Amount, State = LeaseState.Open,
                OpenedAt = now, SettleAfter = now + o.LeaseDuration + o.OrphanAfter,
            };
            try
            {
                await store.InsertAsync(row, CancellationToken.None);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Could not record credit lease {LeaseId}; releasing its reservation", id);
                await credits.ReleaseAsync(reservation.Id, "credit lease could not be recorded", CancellationToken.None);
                return RunErrors.DatabaseUnavailable();
            }
            return new Lease(row, clock.GetTimestamp());
        }
    }

    /// <summary>
    /// No more runs. A drained lease is settled now (the next lease may need its credits); otherwise what its runs in
    /// flight cannot use goes back now, and its last run settles it.
    /// </summary>
    async Task CloseAsync(Lease lease)
    {
        long keep;
        bool drained;
        lock (lease)
        {
            if (lease.Closed) return;
            lease.Closed = true;
            keep = lease.Drawn;
            drained = lease.InFlight == 0;
            if (!drained) Interlocked.Increment(ref _undrained);
        }
        if (drained) await SettleOrHandBackAsync(lease);
        else await HandBackAsync(lease, keep);
    }

    /// <summary>
    /// Settles a drained lease; one whose settlement has to wait (the ledger or the database is down) still hands back
    /// what its runs did not spend, so the tenant's next lease can have it.
    /// </summary>
    async Task SettleOrHandBackAsync(Lease lease)
    {
        if (await SettleAsync(lease)) return;
        long spent;
        lock (lease) spent = lease.Drawn;
        await HandBackAsync(lease, spent);
    }

    /// <summary>Lowers the lease's reservation to <paramref name="keep"/> (what its runs spent or may still spend).</summary>
    async Task HandBackAsync(Lease lease, long keep)
    {
        if (keep >= lease.Row.CreditsReserved) return;
        var reduced = await credits.ReduceAsync(lease.Row.ReservationId, keep, CancellationToken.None);
        if (!reduced.IsSuccess && reduced.Error.Code != "reservation_settled")
            log.LogWarning("Could not hand back the unused credits of lease {LeaseId}; they are freed when it is settled: {Error}", lease.Row.Id, reduced.Error);
    }

    /// <summary>
    /// Settles now; true when done. If the database failed, tries again later here; if the ledger deferred it, the
    /// settlement worker has it (the settlement worker is the last resort either way).
    /// </summary>
    async Task<bool> SettleAsync(Lease lease)
    {
        try
        {
            return await settlement.SettleAsync(lease.Row, CancellationToken.None);
        }
        catch (Exception e)
        {
            var attempt = ++lease.Attempts;
            var delay = options.CurrentValue.SettlementBackoff(attempt);
            log.LogWarning(e, "Settling credit lease {LeaseId} failed (attempt {Attempt}); trying again in {Delay}", lease.Row.Id, attempt, delay);
            _ = Task.Delay(delay, clock).ContinueWith(_ => _drained.Writer.TryWrite(lease), TaskScheduler.Default);
            return false;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settlers = Enumerable.Range(0, 4).Select(_ => SettleDrainedAsync()).ToArray();
        try
        {
            // Idle tenants' leases close on time too, so their unused credits go back to the ledger.
            using var timer = new PeriodicTimer(options.CurrentValue.LeaseDuration / 2, clock);
            while (await timer.WaitForNextTickAsync(stoppingToken))
                await CloseAsync(aged: true);
        }
        catch (OperationCanceledException)
        {
        }
        // Shutting down: close every lease; those whose runs are still going settle when they end (or by the worker).
        await CloseAsync(aged: false);
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (!grace.IsCancellationRequested && Volatile.Read(ref _undrained) > 0) await Task.Delay(50, CancellationToken.None);
        _drained.Writer.TryComplete();
        await Task.WhenAll(settlers);
    }

    /// <summary>Closes aged leases (all of them when shutting down), and prefetched ones nobody took.</summary>
    async Task CloseAsync(bool aged)
    {
        foreach (var tenant in _tenants.Values)
        {
            if (!aged && tenant.Next is { } pending)
            {
                await pending;
                lock (tenant)
                {
                    tenant.Next = null;
                    if (pending.Result.TryGetValue(out var unused, out _)) CloseLater(tenant, unused);
                }
            }
            if (tenant.Current is null) Promote(tenant, null);   // a prefetched lease nobody took yet: it ages like any other
            if (aged && tenant.Current is null) await ForgetAsync(tenant);
            if (tenant.Current is not { } lease || (aged && clock.GetElapsedTime(lease.Opened) < options.CurrentValue.LeaseDuration)) continue;
            if (aged && Promote(tenant, lease) is not null) continue;   // the next lease takes over; the aged one is closing
            lock (tenant)
            {
                if (tenant.Current != lease) continue;
                tenant.Current = null;
                CloseLater(tenant, lease);
            }
        }
        if (!aged)
        {
            await Task.WhenAll(_tenants.Values.Select(t => { lock (t) return t.Closing; }).ToArray());
        }
    }

    /// <summary>Tenants this replica meters right now (an idle tenant is forgotten once its last lease closed).</summary>
    public int ActiveTenants => _tenants.Count;

    /// <summary>
    /// Drops an idle tenant's entry (no lease, none coming, none closing, nobody waiting), so memory follows the
    /// tenants that are running, not every tenant ever seen. Done under the tenant's gate, which a run re-checks.
    /// </summary>
    async Task ForgetAsync(Tenant tenant)
    {
        if (!await tenant.Gate.WaitAsync(0)) return;
        try
        {
            bool idle;
            lock (tenant) idle = tenant.Current is null && tenant.Next is null && tenant.Closing.IsCompleted && Interlocked.Read(ref tenant.Waiting) == 0;
            if (idle) _tenants.TryRemove(new KeyValuePair<Guid, Tenant>(tenant.Id, tenant));
        }
        finally
        {
            tenant.Gate.Release();
        }
    }

    async Task SettleDrainedAsync()
    {
        await foreach (var lease in _drained.Reader.ReadAllAsync()) await SettleOrHandBackAsync(lease);
    }
}
