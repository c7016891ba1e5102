using Cmp.Kubernetes.Model;
using Cmp.Primitives;

namespace Cmp.Kubernetes.Operator;

/// <summary>
/// Where a controller's objects come from and where its writes go: the Kubernetes API (informer cache, status
/// subresource) or a YAML file with an in-memory store (no cluster). The controller and the reconciler are the same
/// in both modes.
/// </summary>
public interface IResourceSource<T> where T : KubeObject, IKubeResource
{
    /// <summary>Fills the cache and reports the key of every object that needs a reconcile, until cancelled.</summary>
    Task RunAsync(Action<string> enqueue, CancellationToken ct);

    bool HasSynced { get; }

    /// <summary>A copy of the cached object (the reconciler may mutate it), or null if it is gone.</summary>
    T? GetCached(string key);

    IReadOnlyCollection<string> CachedKeys { get; }

    /// <summary>Reads the object fresh from the source of truth (after a conflict).</summary>
    Task<Result<T>> GetLatestAsync(string key, CancellationToken ct);

    /// <summary>Writes <c>status</c> only, with optimistic concurrency on <c>metadata.resourceVersion</c>.</summary>
    Task<Result<T>> ReplaceStatusAsync(T obj, CancellationToken ct);

    /// <summary>Sets <c>metadata.finalizers</c>, failing with a conflict if the object changed since it was read.</summary>
    Task<Result<T>> SetFinalizersAsync(T obj, IReadOnlyList<string> finalizers, CancellationToken ct);

    /// <summary>The API client for owned objects and events; null when there is no cluster (file mode).</summary>
    Client.IKubeClient? Client { get; }
}
