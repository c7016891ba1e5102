using Cmp.Kubernetes.Model;
using Cmp.Primitives;

namespace Cmp.Kubernetes.Client;

/// <summary>
/// A typed client for the Kubernetes API (stands in for the KubernetesClient package's <c>IKubernetes</c>; KubeOps'
/// <c>IKubernetesClient</c> has the same shape). Every call returns a <see cref="Result{T}"/>: API errors
/// (404, 409, 410, 422 …) and unreachable servers are values with the codes in <see cref="KubeErrors"/>;
/// cancellation throws. A null namespace means the client's default namespace for single objects and all
/// namespaces for list and watch.
/// </summary>
public interface IKubeClient
{
    /// <summary>The namespace of the kubeconfig context, or the pod's own namespace in a cluster.</summary>
    string DefaultNamespace { get; }

    Task<Result<T>> GetAsync<T>(string name, string? ns = null, CancellationToken ct = default) where T : KubeObject, IKubeResource;

    /// <summary>Lists every page (following <c>continue</c>); the result's resourceVersion is where a watch resumes.</summary>
    Task<Result<KubeList<T>>> ListAsync<T>(string? ns = null, ListOptions? options = null, CancellationToken ct = default) where T : KubeObject, IKubeResource;

    Task<Result<T>> CreateAsync<T>(T obj, CancellationToken ct = default) where T : KubeObject, IKubeResource;

    /// <summary>PUT: replaces the object; its <c>metadata.resourceVersion</c> must be current (else <see cref="KubeErrors.Conflict"/>).
    /// Status changes are ignored by types with a status subresource.</summary>
    Task<Result<T>> ReplaceAsync<T>(T obj, CancellationToken ct = default) where T : KubeObject, IKubeResource;

    /// <summary>PUT to <c>/status</c>: writes only the status; spec and metadata changes are ignored.</summary>
    Task<Result<T>> ReplaceStatusAsync<T>(T obj, CancellationToken ct = default) where T : KubeObject, IKubeResource;

    Task<Result<T>> PatchAsync<T>(string name, string? ns, KubePatch patch, CancellationToken ct = default) where T : KubeObject, IKubeResource;

    Task<Result<T>> PatchStatusAsync<T>(string name, string? ns, KubePatch patch, CancellationToken ct = default) where T : KubeObject, IKubeResource;

    /// <summary>Server-side apply (<c>application/apply-patch+yaml</c>): creates or updates the fields this manager owns.</summary>
    Task<Result<T>> ApplyAsync<T>(T obj, ApplyOptions options, CancellationToken ct = default) where T : KubeObject, IKubeResource;

    Task<Result<T>> ApplyStatusAsync<T>(T obj, ApplyOptions options, CancellationToken ct = default) where T : KubeObject, IKubeResource;

    /// <summary>Requests deletion. With finalizers present the object stays, with <c>deletionTimestamp</c> set, until they are removed.</summary>
    Task<Result<Unit>> DeleteAsync<T>(string name, string? ns = null, DeleteOptions? options = null, CancellationToken ct = default) where T : KubeObject, IKubeResource;

    /// <summary>
    /// Streams changes after <see cref="WatchOptions.ResourceVersion"/>. Ends when the server closes the stream (its
    /// timeout), when the connection drops, or after an ERROR event (a 410 means: list again). Never throws for API or
    /// network failures: they arrive as an ERROR event.
    /// </summary>
    IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(string? ns, WatchOptions options, CancellationToken ct = default) where T : KubeObject, IKubeResource;
}
