using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Cmp.ControlPlane.Domain;
using Cmp.ControlPlane.Infrastructure.Data;
using Cmp.Kubernetes.Client;
using Cmp.Kubernetes.Model;
using Cmp.Kubernetes.Operator;
using Cmp.Kubernetes.Resources;
using Cmp.Primitives;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cmp.ControlPlane.Operator.Instances;

/// <summary>
/// Keeps one AgentInstance per control-plane instance, so <c>kubectl get agentinstances</c> shows the fleet. It runs as
/// one of the operator's controllers, so only the replica holding the Lease mirrors, and it never writes status: it
/// creates the object, keeps its labels, sets the <see cref="InstanceObjects.RevisionAnnotation"/> to the instance's
/// <c>updated_at</c> (which makes the operator reconcile the object and write the status) and deletes objects whose
/// instance was deleted through the API (their finalizer then finishes the job).
/// <para>How changes are noticed, whichever replica or worker made them: every <see cref="InstanceMirrorOptions.PollInterval"/>
/// it reads the instances whose <c>updated_at</c> moved since its last look (an indexed range query; the window
/// overlaps the previous one by <see cref="Overlap"/> so transactions that committed late are not missed), and every
/// <see cref="InstanceMirrorOptions.ResyncInterval"/> it compares everything (repairing objects deleted by hand,
/// missed changes, a new leadership term). Polling the database — rather than a nudge from the handlers — needs no
/// change to them and works when the change happened on another replica.</para>
/// </summary>
public sealed class InstanceMirror(
    IServiceScopeFactory scopes,
    IKubeClient client,
    InstanceMirrorOptions options,
    TimeProvider clock,
    ILogger<InstanceMirror> log) : IController
{
    /// <summary>Changes are read again for this long: <c>updated_at</c> is set before commit (a slow transaction
    /// commits with an older timestamp) and replicas' clocks differ a little.</summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromSeconds(30);

    static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(1);
    const int Batch = 1000;

    /// <summary>What was last mirrored per instance (its updated_at), so the overlap costs no API calls.</summary>
    readonly ConcurrentDictionary<Guid, DateTimeOffset> _mirrored = new();
    volatile bool _synced;
    long _writes;

    /// <summary>This pass's AgentOfferings by SKU (the instances' owners), read at most once per pass and only when
    /// something is to be written.</summary>
    Dictionary<string, AgentOffering>? _offerings;

    public string Name => "agentinstances.cmp.dev (mirror)";
    public bool HasSynced => _synced;
    public int QueueLength => 0;

    /// <summary>Objects created, relabelled or deleted.</summary>
    public long Reconciles => Interlocked.Read(ref _writes);

    public string Namespace => options.Namespace is { Length: > 0 } ns ? ns : client.DefaultNamespace;

    public async Task RunAsync(Func<TimeSpan> grace, CancellationToken ct)
    {
        // A fresh start per leadership term: another replica mirrored meanwhile, so compare everything first.
        _mirrored.Clear();
        _synced = false;
        DateTimeOffset? lastFull = null;
        var watermark = clock.GetUtcNow();   // unused before the first (full) pass sets it
        var failures = 0;
        log.LogInformation("Mirroring instances as AgentInstances in namespace {Namespace}", Namespace);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var started = clock.GetUtcNow();
                _offerings = null;
                var full = lastFull is null || started - lastFull >= options.ResyncInterval;
                var pass = full ? await FullSyncAsync(ct) : await ChangesSinceAsync(watermark - Overlap, ct);
                if (pass.Complete)
                {
                    // Next time, read what changed since this pass began (minus the overlap), or after the last row
                    // read when a pass stopped at its batch size.
                    watermark = pass.ResumeAfter ?? started;
                    if (full) lastFull = started;
                    _synced |= full;
                    failures = 0;
                }
                else
                {
                    failures++;   // the same window (or the full comparison) is tried again
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is DbUpdateException or Npgsql.NpgsqlException or InvalidOperationException or TimeoutException)
            {
                failures++;
                log.LogWarning(e, "Instance mirror pass failed ({Failures} in a row)", failures);
            }
            var delay = failures == 0 ? options.PollInterval : Backoff(failures);
            try { await Task.Delay(delay, clock, ct); }
            catch (OperationCanceledException) { break; }
        }
    }

    TimeSpan Backoff(int failures) =>
        TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, options.PollInterval.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 10))));

    /// <param name="ResumeAfter">Where the next pass starts when this one stopped at its batch size.</param>
    sealed record Pass(bool Complete, DateTimeOffset? ResumeAfter = null);

    async Task<Pass> ChangesSinceAsync(DateTimeOffset since, CancellationToken ct)
    {
        List<Instance> changed;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDbContext>();
            changed = await db.Instances.AsNoTracking().Where(i => i.UpdatedAt > since).OrderBy(i => i.UpdatedAt).Take(Batch).ToListAsync(ct);
        }
        var complete = true;
        foreach (var instance in changed)
        {
            if (_mirrored.TryGetValue(instance.Id, out var seen) && seen == instance.UpdatedAt) continue;
            var existing = await client.GetAsync<AgentInstance>(InstanceObjects.NameOf(instance.Id), Namespace, ct);
            if (!existing.IsSuccess && !existing.Error.IsNotFound())
            {
                complete = false;
                log.LogWarning("Cannot read AgentInstance {Name}: {Error}", instance.Id, existing.Error);
                continue;
            }
            complete &= await EnsureAsync(instance, existing.IsSuccess ? existing.Value : null, ct);
        }
        // A thousand changes at once: the rest come with the next poll, which starts from the last one read.
        return new Pass(complete, changed.Count == Batch ? changed[^1].UpdatedAt + Overlap : null);
    }

    async Task<Pass> FullSyncAsync(CancellationToken ct)
    {
        var listed = await client.ListAsync<AgentInstance>(Namespace, new ListOptions { Limit = 500 }, ct);
        if (!listed.IsSuccess)
        {
            log.LogWarning("Cannot list AgentInstances in {Namespace}: {Error}", Namespace, listed.Error);
            return new Pass(false);
        }
        var objects = listed.Value.Items
            .Select(o => (Id: InstanceObjects.InstanceIdOf(o, Namespace), Object: o))
            .Where(x => x.Id is not null)
            .ToDictionary(x => x.Id!.Value, x => x.Object);
        List<Instance> instances;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ControlPlaneDbContext>();
            var ids = objects.Keys.ToList();
            // Every live instance, and the deleted ones that still have an object (to delete it).
            instances = await db.Instances.AsNoTracking()
                .Where(i => i.Status != InstanceStatus.Deleted || ids.Contains(i.Id))
                .ToListAsync(ct);
        }
        var complete = true;
        foreach (var instance in instances)
            complete &= await EnsureAsync(instance, objects.GetValueOrDefault(instance.Id), ct);
        log.LogDebug("Instance mirror compared {Instances} instances with {Objects} AgentInstances", instances.Count, objects.Count);
        return new Pass(complete);
    }

    /// <summary>Makes the object of one instance exist (or not) with current labels and revision. True when done.</summary>
    async Task<bool> EnsureAsync(Instance instance, AgentInstance? existing, CancellationToken ct)
    {
        var name = InstanceObjects.NameOf(instance.Id);
        Result<bool> outcome;
        if (instance.Status == InstanceStatus.Deleted)
        {
            outcome = existing is null || existing.Metadata.IsBeingDeleted
                ? false
                : (await client.DeleteAsync<AgentInstance>(name, Namespace, ct: ct)).Map(_ => true);
            if (!outcome.IsSuccess && outcome.Error.IsNotFound()) outcome = false;
        }
        else if (existing is null)
        {
            var owner = await OfferingAsync(instance.OfferingSku, ct);
            if (!owner.IsSuccess) return Failed(instance, owner.Error);
            var created = await client.CreateAsync(InstanceObjects.New(instance, Namespace, owner.Value), ct);
            outcome = created.IsSuccess ? true
                : created.Error.IsAlreadyExists() ? await UpdateAsync(instance, null, ct)   // created meanwhile: our view was stale
                : created.Error;
        }
        else
        {
            outcome = await UpdateAsync(instance, existing, ct);
        }
        if (!outcome.IsSuccess) return Failed(instance, outcome.Error);
        if (outcome.Value) Interlocked.Increment(ref _writes);
        _mirrored[instance.Id] = instance.UpdatedAt;
        return true;
    }

    bool Failed(Instance instance, Error error)
    {
        log.LogWarning("Cannot mirror instance {Instance} as AgentInstance {Namespace}/{Name}: {Error}", instance.Id, Namespace, InstanceObjects.NameOf(instance.Id), error);
        return false;
    }

    /// <summary>The live AgentOffering declaring <paramref name="sku"/> in the mirror's namespace, or null.</summary>
    async Task<Result<AgentOffering?>> OfferingAsync(string sku, CancellationToken ct)
    {
        if (_offerings is null)
        {
            var listed = await client.ListAsync<AgentOffering>(Namespace, ct: ct);
            if (!listed.IsSuccess) return listed.Error;
            // Two objects declaring one SKU: the oldest is the one the offering reconciler applies.
            _offerings = listed.Value.Items.Where(o => !o.Metadata.IsBeingDeleted)
                .OrderBy(o => o.Metadata.CreationTimestamp ?? DateTimeOffset.MaxValue).ThenBy(o => o.Metadata.Name, StringComparer.Ordinal)
                .GroupBy(o => o.Spec.Sku).ToDictionary(g => g.Key, g => g.First());
        }
        return Result<AgentOffering?>.Success(_offerings.GetValueOrDefault(sku));
    }

    /// <summary>A merge patch of labels, owner and the revision annotation, only when they differ (an object being deleted
    /// is left to its finalizer). Spec is not touched: after creation it belongs to humans and the reconciler.</summary>
    async Task<Result<bool>> UpdateAsync(Instance instance, AgentInstance? existing, CancellationToken ct)
    {
        if (existing is null)
        {
            var read = await client.GetAsync<AgentInstance>(InstanceObjects.NameOf(instance.Id), Namespace, ct);
            if (!read.IsSuccess) return read.Error;
            existing = read.Value;
        }
        if (existing.Metadata.IsBeingDeleted) return false;
        var revision = InstanceObjects.Revision(instance);
        var labels = InstanceObjects.Labels(instance);
        var labelsMatch = labels.All(kv => existing.Metadata.Labels?.GetValueOrDefault(kv.Key) == kv.Value);
        var owner = await OfferingAsync(instance.OfferingSku, ct);
        if (!owner.IsSuccess) return owner.Error;
        var owners = InstanceObjects.OwnersOf(owner.Value);
        // An owner is added when its offering appears, never dropped: an owner that is gone makes the garbage collector
        // delete this object anyway (and its finalizer keeps the instance).
        var ownersMatch = owners is null || InstanceObjects.OwnersMatch(existing, owners);
        if (labelsMatch && ownersMatch && existing.Metadata.Annotations?.GetValueOrDefault(InstanceObjects.RevisionAnnotation) == revision) return false;
        var metadata = new JsonObject
        {
            ["labels"] = new JsonObject(labels.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value)))),
            ["annotations"] = new JsonObject { [InstanceObjects.RevisionAnnotation] = revision },
        };
        if (!ownersMatch) metadata["ownerReferences"] = System.Text.Json.JsonSerializer.SerializeToNode(owners, KubeJson.Options);
        var patch = new JsonObject { ["metadata"] = metadata };
        var patched = await client.PatchAsync<AgentInstance>(existing.Metadata.Name, Namespace, new KubePatch(PatchType.Merge, patch.ToJsonString()), ct);
        return patched.IsSuccess ? true : patched.Error.IsNotFound() ? false : patched.Error;
    }
}

/// <summary>Runs the <see cref="InstanceMirror"/> with the operator's controllers (so only while leading).</summary>
sealed class InstanceMirrorRegistration : IControllerRegistration
{
    public IController Create(IServiceProvider services, OperatorOptions options, EventRecorderFactory events) =>
        new InstanceMirror(
            services.GetRequiredService<IServiceScopeFactory>(),
            services.GetRequiredService<IKubeClient>(),
            services.GetRequiredService<IOptions<InstanceMirrorOptions>>().Value,
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILogger<InstanceMirror>>());
}
