using System.Text.Json.Nodes;
using Cmp.Kubernetes.Client;
using Cmp.Kubernetes.Model;
using Cmp.Primitives;
using Microsoft.Extensions.Logging;

namespace Cmp.Kubernetes.Operator;

/// <summary>
/// Objects from the API server through an <see cref="Informer{T}"/>. A change is enqueued when the object is added
/// or deleted, its generation changes (spec), or its metadata that drives behaviour changes (labels, annotations,
/// finalizers, deletionTimestamp, owner references); status-only updates — typically the controller's own writes —
/// are not, which is what stops a status write from triggering the next reconcile.
/// </summary>
public sealed class KubeResourceSource<T>(IKubeClient client, string? ns, string? labelSelector, TimeSpan watchTimeout, ILogger log)
    : IResourceSource<T> where T : KubeObject, IKubeResource
{
    Informer<T> _informer = new(client, ns, labelSelector, watchTimeout, log);

    public IKubeClient Client => client;

    /// <summary>The informer of the current run (a new one per run: each leadership term starts from a fresh list).</summary>
    public Informer<T> Informer => _informer;

    public bool HasSynced => _informer.HasSynced;

    public IReadOnlyCollection<string> CachedKeys => _informer.Keys.ToList();

    public async Task RunAsync(Action<string> enqueue, CancellationToken ct)
    {
        // A fresh cache per run: its initial list reports every object as added, so a replica that leads again after
        // losing the Lease reconciles everything, not only what changed since its last term.
        var informer = new Informer<T>(client, ns, labelSelector, watchTimeout, log);
        _informer = informer;
        void OnChange(WatchEventType type, T? old, T current)
        {
            if (type != WatchEventType.Modified || old is null || MattersForReconcile(old, current)) enqueue(current.Key);
        }
        informer.Changed += OnChange;
        try
        {
            await informer.RunAsync(ct);
        }
        finally
        {
            informer.Changed -= OnChange;
        }
    }

    public T? GetCached(string key) => _informer.Get(key) is { } o ? KubeJson.Clone(o) : null;

    public Task<Result<T>> GetLatestAsync(string key, CancellationToken ct)
    {
        var (objectNs, name) = ObjectKey.Split(key);
        return client.GetAsync<T>(name, objectNs, ct);
    }

    public Task<Result<T>> ReplaceStatusAsync(T obj, CancellationToken ct) => client.ReplaceStatusAsync(obj, ct);

    public Task<Result<T>> SetFinalizersAsync(T obj, IReadOnlyList<string> finalizers, CancellationToken ct)
    {
        // A merge patch that carries the resourceVersion: the server refuses it (409) if anything changed meanwhile,
        // so a finalizer list is never computed from stale data.
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["resourceVersion"] = obj.Metadata.ResourceVersion,
                ["finalizers"] = new JsonArray(finalizers.Select(f => (JsonNode)JsonValue.Create(f)).ToArray()),
            },
        };
        return client.PatchAsync<T>(obj.Metadata.Name, obj.Metadata.Namespace, new KubePatch(PatchType.Merge, patch.ToJsonString()), ct);
    }

    static bool MattersForReconcile(T old, T current)
    {
        if (old.Metadata.Generation != current.Metadata.Generation) return true;
        var a = old.Metadata;
        var b = current.Metadata;
        return a.DeletionTimestamp != b.DeletionTimestamp
               || !SameList(a.Finalizers, b.Finalizers)
               || !SameMap(a.Labels, b.Labels)
               || !SameMap(a.Annotations, b.Annotations)
               || KubeJson.Serialize(a.OwnerReferences) != KubeJson.Serialize(b.OwnerReferences)
               // kinds without generation (built-ins such as ConfigMap): any change but status is a change
               || a.Generation is null && KubeJson.Serialize(WithoutMeta(old)) != KubeJson.Serialize(WithoutMeta(current));
    }

    static JsonObject WithoutMeta(T o)
    {
        var n = KubeJson.ToNode(o);
        n.Remove("metadata");
        n.Remove("status");
        return n;
    }

    static bool SameList(List<string>? a, List<string>? b) => (a ?? []).SequenceEqual(b ?? []);

    static bool SameMap(Dictionary<string, string>? a, Dictionary<string, string>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0) && (a ?? []).All(kv => b!.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
