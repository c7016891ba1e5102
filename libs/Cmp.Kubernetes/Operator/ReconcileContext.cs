using Cmp.Kubernetes.Client;
using Cmp.Kubernetes.Model;
using Cmp.Primitives;
using Microsoft.Extensions.Logging;

namespace Cmp.Kubernetes.Operator;

/// <summary>
/// What a reconcile may use besides the object: conflict-safe status writes, events, owned objects, the clock and a
/// logger scoped to the object. <see cref="Client"/> is null without a cluster (file mode).
/// </summary>
public sealed class ReconcileContext<T> where T : KubeObject, IKubeResource
{
    const int MaxConflictRetries = 5;

    readonly IResourceSource<T> _source;
    readonly EventRecorder _events;
    readonly string _fieldManager;

    internal ReconcileContext(string key, IResourceSource<T> source, EventRecorder events, string fieldManager, ILogger log, TimeProvider clock)
    {
        Key = key;
        _source = source;
        _events = events;
        _fieldManager = fieldManager;
        Logger = log;
        Clock = clock;
    }

    /// <summary><c>namespace/name</c> of the object being reconciled.</summary>
    public string Key { get; }

    public ILogger Logger { get; }
    public TimeProvider Clock { get; }
    public DateTimeOffset Now => Clock.GetUtcNow();

    public IKubeClient? Client => _source.Client;

    /// <summary>
    /// Applies <paramref name="mutate"/> to the object's status and writes it through the status subresource. Writes
    /// nothing if the status did not change. On a 409 (someone wrote in between) it reads the object again and
    /// re-applies <paramref name="mutate"/> to the fresh copy, up to 5 times — so <paramref name="mutate"/> must compute
    /// the status from the object it is given, not from captured state. Returns the object as stored.
    /// </summary>
    public async Task<Result<T>> UpdateStatusAsync(T resource, Action<T> mutate, CancellationToken ct)
    {
        var current = resource;
        for (var attempt = 0; ; attempt++)
        {
            var candidate = KubeJson.Clone(current);
            var before = StatusJson(candidate);
            mutate(candidate);
            if (StatusJson(candidate) == before) return candidate;
            var written = await _source.ReplaceStatusAsync(candidate, ct);
            if (written.IsSuccess || !written.Error.IsConflict() || attempt >= MaxConflictRetries) return written;
            Logger.LogDebug("Status of {Key} changed meanwhile (attempt {Attempt}); reading it again", Key, attempt + 1);
            var fresh = await _source.GetLatestAsync(Key, ct);
            if (!fresh.IsSuccess) return fresh.Error;
            current = fresh.Value;
        }
    }

    static string StatusJson(T o) => KubeJson.ToNode(o)["status"]?.ToJsonString() ?? "";

    public Task NormalEventAsync(T about, string reason, string note, CancellationToken ct) => _events.NormalAsync(about, reason, note, ct);

    public Task WarningEventAsync(T about, string reason, string note, CancellationToken ct) => _events.WarningAsync(about, reason, note, ct);

    /// <summary>
    /// Creates or updates an object owned by <paramref name="owner"/> with server-side apply: it gets a controller
    /// owner reference (so it is garbage-collected with the owner, and changes to it re-trigger the owner's
    /// reconcile when the controller <c>Owns</c> its kind). Needs a cluster.
    /// </summary>
    public Task<Result<TChild>> ApplyOwnedAsync<TChild>(T owner, TChild child, CancellationToken ct) where TChild : KubeObject, IKubeResource
    {
        if (Client is null)
            return Task.FromResult<Result<TChild>>(Error.Permanent("kube_no_cluster", $"Cannot apply a {TChild.Resource.Kind} without a cluster (file mode)."));
        child.Metadata.Namespace ??= owner.Metadata.Namespace;
        child.Metadata.OwnerReferences = [Owners.ControllerReference(owner)];
        return Client.ApplyAsync(child, new ApplyOptions(_fieldManager, Force: true), ct);
    }
}

public static class Owners
{
    /// <summary>The owner reference a controller puts on what it creates: controller=true, blockOwnerDeletion=true.</summary>
    public static OwnerReference ControllerReference<TOwner>(TOwner owner) where TOwner : KubeObject, IKubeResource => new()
    {
        ApiVersion = TOwner.Resource.ApiVersion,
        Kind = TOwner.Resource.Kind,
        Name = owner.Metadata.Name,
        Uid = owner.Metadata.Uid ?? throw new InvalidOperationException($"{owner.Key} has no uid: read it from the server first."),
        Controller = true,
        BlockOwnerDeletion = true,
    };

    /// <summary>The controlling owner of <paramref name="obj"/>, if it is a <typeparamref name="TOwner"/>.</summary>
    public static OwnerReference? ControllerOf<TOwner>(KubeObject obj) where TOwner : IKubeResource =>
        obj.Metadata.OwnerReferences?.FirstOrDefault(r => r.Controller == true && r.Kind == TOwner.Resource.Kind && r.ApiVersion == TOwner.Resource.ApiVersion);
}
