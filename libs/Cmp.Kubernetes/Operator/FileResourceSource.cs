using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Cmp.Kubernetes.Client;
using Cmp.Kubernetes.Model;
using Cmp.Primitives;
using Microsoft.Extensions.Logging;

namespace Cmp.Kubernetes.Operator;

/// <summary>
/// Objects from YAML files instead of a cluster (<c>make dev</c>): documents of this kind, in the same schema as the
/// CRD, feed the same controller and reconciler. The files are polled; a changed spec bumps <c>generation</c>, a
/// removed document is deleted (through the finalizer, as in a cluster). Status and finalizers live in memory.
/// A reload that contains any invalid document is refused as a whole and the previous state kept, so a typo never
/// looks like a deletion.
/// </summary>
public sealed class FileResourceSource<T> : IResourceSource<T> where T : KubeObject, IKubeResource
{
    static readonly JsonSerializerOptions Strict = new(KubeJson.Options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    readonly IReadOnlyList<string> _paths;
    readonly string _namespace;
    readonly TimeSpan _poll;
    readonly TimeProvider _clock;
    readonly ILogger _log;
    readonly Lock _gate = new();
    readonly Dictionary<string, T> _objects = new(StringComparer.Ordinal);
    long _revision;
    string? _fingerprint;
    volatile bool _synced;

    public FileResourceSource(IReadOnlyList<string> paths, string defaultNamespace, TimeSpan pollInterval, TimeProvider clock, ILogger log)
    {
        _paths = paths;
        _namespace = defaultNamespace;
        _poll = pollInterval;
        _clock = clock;
        _log = log;
    }

    public IKubeClient? Client => null;

    public bool HasSynced => _synced;

    /// <summary>The last reload's problems (empty when the files are valid).</summary>
    public IReadOnlyList<string> Problems { get; private set; } = [];

    public IReadOnlyCollection<string> CachedKeys
    {
        get { lock (_gate) return _objects.Keys.ToList(); }
    }

    public async Task RunAsync(Action<string> enqueue, CancellationToken ct)
    {
        // A new run (e.g. after a restart of the controllers) reconciles everything already loaded, then follows the files.
        foreach (var key in CachedKeys) enqueue(key);
        _fingerprint = null;
        string? candidate = null;
        while (!ct.IsCancellationRequested)
        {
            // A file caught in the middle of a save could parse as a valid but shorter file, and a missing document
            // means deletion: reload only once the files have looked the same for a whole poll interval.
            var fingerprint = Fingerprint();
            if (fingerprint != _fingerprint && (fingerprint == candidate || _fingerprint is null) && Reload(fingerprint) is { } changed)
            {
                foreach (var key in changed) enqueue(key);
                _fingerprint = fingerprint;
                _synced = true;
            }
            candidate = fingerprint;
            try
            {
                await Task.Delay(_poll, _clock, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public T? GetCached(string key)
    {
        lock (_gate) return _objects.TryGetValue(key, out var o) ? KubeJson.Clone(o) : null;
    }

    public Task<Result<T>> GetLatestAsync(string key, CancellationToken ct)
    {
        lock (_gate)
        {
            return Task.FromResult(_objects.TryGetValue(key, out var o)
                ? Result<T>.Success(KubeJson.Clone(o))
                : Error.NotFound(KubeErrors.NotFound, $"{T.Resource.Kind} {key} not found"));
        }
    }

    public Task<Result<T>> ReplaceStatusAsync(T obj, CancellationToken ct) => Write(obj, current =>
    {
        var next = KubeJson.Clone(current);
        var withStatus = KubeJson.ToNode(obj);
        var node = KubeJson.ToNode(next);
        if (withStatus["status"] is { } status) node["status"] = status.DeepClone();
        else node.Remove("status");
        return KubeJson.FromNode<T>(node);
    });

    public Task<Result<T>> SetFinalizersAsync(T obj, IReadOnlyList<string> finalizers, CancellationToken ct) => Write(obj, current =>
    {
        var next = KubeJson.Clone(current);
        next.Metadata.Finalizers = finalizers.Count == 0 ? null : [.. finalizers];
        return next;
    });

    Task<Result<T>> Write(T obj, Func<T, T> change)
    {
        lock (_gate)
        {
            if (!_objects.TryGetValue(obj.Key, out var current))
                return Task.FromResult<Result<T>>(Error.NotFound(KubeErrors.NotFound, $"{T.Resource.Kind} {obj.Key} not found"));
            if (obj.Metadata.ResourceVersion != current.Metadata.ResourceVersion)
                return Task.FromResult<Result<T>>(Error.Conflict(KubeErrors.Conflict, $"{T.Resource.Kind} {obj.Key} was modified; read it again"));
            var next = change(current);
            next.Metadata.ResourceVersion = (++_revision).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (next.Metadata.IsBeingDeleted && next.Metadata.Finalizers is not { Count: > 0 }) _objects.Remove(obj.Key);
            else _objects[obj.Key] = next;
            return Task.FromResult<Result<T>>(KubeJson.Clone(next));
        }
    }

    /// <summary>Reads the files and applies the differences; returns the keys that need a reconcile, or null when the
    /// files changed while they were read (<paramref name="expected"/> no longer matches): nothing is applied then.</summary>
    internal List<string>? Reload(string? expected = null)
    {
        var (parsed, problems) = Parse();
        if (expected is not null && Fingerprint() != expected) return null;
        Problems = problems;
        if (problems.Count > 0)
        {
            foreach (var p in problems) _log.LogError("{Kind} file rejected, keeping the previous state: {Problem}", T.Resource.Kind, p);
            return [];
        }
        var changed = new List<string>();
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            foreach (var (key, incoming) in parsed)
            {
                if (_objects.TryGetValue(key, out var current))
                {
                    if (Desired(current) == Desired(incoming)) continue;
                    var next = KubeJson.Clone(incoming);
                    next.Metadata = KubeJson.Clone(current.Metadata);
                    next.Metadata.Labels = incoming.Metadata.Labels;
                    next.Metadata.Annotations = incoming.Metadata.Annotations;
                    next.Metadata.Generation = (current.Metadata.Generation ?? 0) + 1;
                    Store(key, CopyStatus(current, next));
                }
                else
                {
                    incoming.Metadata.Uid = Uid(key);
                    incoming.Metadata.Generation = 1;
                    incoming.Metadata.CreationTimestamp = KubeTimeConverter.Truncate(now);
                    Store(key, incoming);
                }
                changed.Add(key);
            }
            foreach (var key in _objects.Keys.Where(k => !parsed.ContainsKey(k)).ToList())
            {
                var gone = _objects[key];
                if (gone.Metadata.Finalizers is { Count: > 0 })
                {
                    if (gone.Metadata.IsBeingDeleted) continue;
                    var next = KubeJson.Clone(gone);
                    next.Metadata.DeletionTimestamp = KubeTimeConverter.Truncate(now);
                    next.Metadata.Generation = (gone.Metadata.Generation ?? 0) + 1;
                    Store(key, next);
                    changed.Add(key);
                }
                else
                {
                    _objects.Remove(key);
                }
            }
        }
        _log.LogInformation("Loaded {Count} {Kind} objects from {Paths} ({Changed} changed)", parsed.Count, T.Resource.Kind, string.Join(", ", _paths), changed.Count);
        return changed;
    }

    void Store(string key, T obj)
    {
        obj.Metadata.ResourceVersion = (++_revision).ToString(System.Globalization.CultureInfo.InvariantCulture);
        _objects[key] = obj;
    }

    (Dictionary<string, T> Objects, List<string> Problems) Parse()
    {
        var objects = new Dictionary<string, T>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var path in _paths)
        {
            if (!File.Exists(path))
            {
                problems.Add($"{path}: file not found");
                continue;
            }
            IEnumerable<(int Index, System.Text.Json.Nodes.JsonNode Node)> docs;
            try
            {
                docs = YamlDocuments.Read(File.ReadAllText(path)).ToList();
            }
            catch (YamlDotNet.Core.YamlException e)
            {
                problems.Add($"{path}: not valid YAML: {e.Message}");
                continue;
            }
            foreach (var (index, node) in docs)
            {
                var where = $"{path} document {index}";
                if (node["apiVersion"]?.GetValue<string>() != T.Resource.ApiVersion || node["kind"]?.GetValue<string>() != T.Resource.Kind) continue;
                T obj;
                try
                {
                    node.AsObject().Remove("status");   // status comes from the controller; the API server drops it on create too
                    obj = node.Deserialize<T>(Strict) ?? throw new JsonException("empty document");
                }
                catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
                {
                    problems.Add($"{where}: {e.Message}");
                    continue;
                }
                obj.Metadata.Namespace ??= _namespace;
                if (string.IsNullOrEmpty(obj.Metadata.Name)) { problems.Add($"{where}: metadata.name is required"); continue; }
                if (obj is IHasSpec { SpecObject: ISelfValidating spec })
                    foreach (var p in spec.Validate()) problems.Add($"{where} ({obj.Metadata.Name}): {p}");
                if (!objects.TryAdd(obj.Key, obj)) problems.Add($"{where}: {obj.Key} is declared twice");
            }
        }
        return (objects, problems);
    }

    string Fingerprint() => string.Join('|', _paths.Select(p =>
    {
        var f = new FileInfo(p);
        return f.Exists ? $"{p}:{f.Length}:{f.LastWriteTimeUtc.Ticks}" : $"{p}:missing";
    }));

    /// <summary>What the file declares (everything but status and server metadata, plus labels and annotations):
    /// a change here is a change of intent.</summary>
    static string Desired(T o)
    {
        var node = KubeJson.ToNode(o);
        node.Remove("status");
        node["metadata"] = new System.Text.Json.Nodes.JsonObject
        {
            ["labels"] = node["metadata"]?["labels"]?.DeepClone(),
            ["annotations"] = node["metadata"]?["annotations"]?.DeepClone(),
        };
        return node.ToJsonString();
    }

    static T CopyStatus(T from, T to)
    {
        var node = KubeJson.ToNode(to);
        if (KubeJson.ToNode(from)["status"] is { } status) node["status"] = status.DeepClone();
        return KubeJson.FromNode<T>(node);
    }

    static string Uid(string key) =>
        new Guid(SHA256.HashData(Encoding.UTF8.GetBytes($"{T.Resource.FullName}/{key}")).AsSpan(0, 16)).ToString();
}
