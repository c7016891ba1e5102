using Cmp.Kubernetes.Model;

namespace Cmp.Kubernetes.Operator;

/// <summary>
/// Converges one object. Level-triggered: called with the latest cached state whenever the object (or an object it
/// owns) changes, on every resync, and after a requested requeue — never with "what changed". Must be idempotent.
/// Resolved from a fresh DI scope per call, so it may depend on scoped services (a DbContext).
/// </summary>
public interface IReconciler<T> where T : KubeObject, IKubeResource
{
    Task<ReconcileResult> ReconcileAsync(T resource, ReconcileContext<T> context, CancellationToken ct);
}

/// <summary>
/// Implement on the reconciler to own cleanup of external state. The runtime adds <see cref="FinalizerName"/> to
/// <c>metadata.finalizers</c> before the first <see cref="IReconciler{T}.ReconcileAsync"/>; once deletion is requested it
/// calls <see cref="FinalizeAsync"/> instead, and removes the finalizer (letting the object go) when that returns
/// <see cref="ReconcileResult.Done"/>. Anything else keeps the object and retries.
/// </summary>
public interface IFinalizer<T> where T : KubeObject, IKubeResource
{
    /// <summary>A qualified name, e.g. <c>cmp.dev/offering-cleanup</c>.</summary>
    string FinalizerName { get; }

    Task<ReconcileResult> FinalizeAsync(T resource, ReconcileContext<T> context, CancellationToken ct);
}

/// <summary>A spec that can check itself, for sources with no API server to enforce the CRD's schema (file mode).</summary>
public interface ISelfValidating
{
    IReadOnlyList<string> Validate();
}
