using Cmp.Kubernetes.Client;
using Cmp.Kubernetes.Model;
using Microsoft.Extensions.Logging;

namespace Cmp.Kubernetes.Operator;

/// <summary>Per-controller settings, given to <see cref="OperatorBuilder.AddReconciler{T, TReconciler}"/>.</summary>
public sealed class ControllerOptions
{
    /// <summary>Concurrent reconciles (default: Operator:Workers).</summary>
    public int? Workers { get; set; }

    /// <summary>Namespace to watch (default: Operator:Namespace, empty = all).</summary>
    public string? Namespace { get; set; }

    internal List<Func<IKubeClient, string?, TimeSpan, ILogger, IOwnedWatch>> Owned { get; } = [];

    /// <summary>
    /// Also watch <typeparamref name="TChild"/> objects and reconcile their controlling owner when one changes or
    /// disappears (controller-runtime's <c>Owns</c>): a deleted child is recreated on the next reconcile.
    /// </summary>
    public ControllerOptions Owns<TChild>() where TChild : KubeObject, IKubeResource
    {
        Owned.Add((client, ns, timeout, log) => new OwnedWatch<TChild>(client, ns, timeout, log));
        return this;
    }
}

/// <summary>A watch on owned objects that reports their owners' keys.</summary>
public interface IOwnedWatch
{
    Task RunAsync(string ownerApiVersion, string ownerKind, Action<string> enqueueOwner, CancellationToken ct);
}

sealed class OwnedWatch<TChild>(IKubeClient client, string? ns, TimeSpan watchTimeout, ILogger log) : IOwnedWatch
    where TChild : KubeObject, IKubeResource
{
    public Task RunAsync(string ownerApiVersion, string ownerKind, Action<string> enqueueOwner, CancellationToken ct)
    {
        var informer = new Informer<TChild>(client, ns, null, watchTimeout, log);
        informer.Changed += (_, old, current) =>
        {
            foreach (var o in new[] { old, current })
            {
                var owner = o?.Metadata.OwnerReferences?.FirstOrDefault(r => r.Controller == true && r.Kind == ownerKind && r.ApiVersion == ownerApiVersion);
                if (owner is not null) enqueueOwner(ObjectKey.Of(o!.Metadata.Namespace, owner.Name));
            }
        };
        return informer.RunAsync(ct);
    }
}
