using System.Collections.Concurrent;
using Cmp.Kubernetes.Client;
using Cmp.Kubernetes.Model;
using Microsoft.Extensions.Logging;

namespace Cmp.Kubernetes.Operator;

/// <summary>
/// Records <c>events.k8s.io/v1</c> Events about an object (shown by <c>kubectl describe</c>), best effort: a failed
/// write is logged, never fails a reconcile. The same event for the same object is not repeated within
/// <see cref="DedupWindow"/>, so a level-triggered loop does not flood the namespace. Without a cluster, events are
/// only logged.
/// </summary>
public sealed class EventRecorder(IKubeClient? client, string controller, string instance, TimeProvider clock, ILogger log)
{
    public static readonly TimeSpan DedupWindow = TimeSpan.FromMinutes(10);

    readonly ConcurrentDictionary<string, DateTimeOffset> _recent = new(StringComparer.Ordinal);

    public Task NormalAsync(KubeObject about, string reason, string note, CancellationToken ct) => RecordAsync(about, "Normal", reason, note, ct);

    public Task WarningAsync(KubeObject about, string reason, string note, CancellationToken ct) => RecordAsync(about, "Warning", reason, note, ct);

    async Task RecordAsync(KubeObject about, string type, string reason, string note, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var key = $"{about.Metadata.Uid}|{type}|{reason}|{note}";
        if (_recent.TryGetValue(key, out var last) && now - last < DedupWindow) return;
        _recent[key] = now;
        if (_recent.Count > 10_000)
            foreach (var old in _recent.Where(kv => now - kv.Value > DedupWindow).Select(kv => kv.Key).ToList()) _recent.TryRemove(old, out _);

        var level = type == "Warning" ? LogLevel.Warning : LogLevel.Information;
        log.Log(level, "{Kind} {Key}: {Reason}: {Note}", about.Kind, about.Key, reason, note);
        if (client is null || string.IsNullOrEmpty(about.Metadata.Namespace)) return;
        var e = new KubeEvent
        {
            Metadata = new ObjectMeta { GenerateName = about.Metadata.Name + ".", Namespace = about.Metadata.Namespace },
            EventTime = now,
            Type = type,
            Reason = reason,
            Action = "Reconcile",
            Note = note.Length > 1024 ? note[..1024] : note,
            ReportingController = controller,
            ReportingInstance = instance.Length > 128 ? instance[..128] : instance,
            Regarding = ObjectReference.To(about),
        };
        var created = await client.CreateAsync(e, ct);
        if (!created.IsSuccess) log.LogDebug("Could not record event {Reason} for {Key}: {Error}", reason, about.Key, created.Error.Message);
    }
}
