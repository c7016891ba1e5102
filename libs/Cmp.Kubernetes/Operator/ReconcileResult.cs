using Cmp.Primitives;

namespace Cmp.Kubernetes.Operator;

/// <summary>
/// What a reconcile asks of the queue (controller-runtime's <c>ctrl.Result</c> plus error):
/// <see cref="Done"/> forgets the key until the next change or resync; <see cref="After"/> checks again later;
/// <see cref="Retry"/> requeues with per-key exponential backoff; <see cref="Failed"/> logs the error and backs off too,
/// except Validation/Permanent/NoOp errors, which wait for the object to change (retrying cannot fix them).
/// </summary>
public readonly record struct ReconcileResult
{
    public TimeSpan? RequeueAfter { get; private init; }
    public bool RequeueWithBackoff { get; private init; }
    public Error? Error { get; private init; }

    public static ReconcileResult Done => default;

    public static ReconcileResult After(TimeSpan delay) => new() { RequeueAfter = delay };

    public static ReconcileResult Retry => new() { RequeueWithBackoff = true };

    public static ReconcileResult Failed(Error error) => new() { Error = error };

    public static implicit operator ReconcileResult(Error error) => Failed(error);

    /// <summary>Whether the queue should retry this error (with backoff) or wait for a change.</summary>
    public bool IsRetryableError => Error is { Kind: not (ErrorKind.Validation or ErrorKind.Permanent or ErrorKind.NoOp) };

    public override string ToString() =>
        Error is { } e ? $"Failed({e})" : RequeueAfter is { } d ? $"After({d})" : RequeueWithBackoff ? "Retry" : "Done";
}
