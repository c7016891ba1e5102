using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cmp.Simulators.KubeApi.Semantics;

namespace Cmp.Simulators.KubeApi.Storage;

/// <summary>
/// The fake's etcd and registry in one: every object of every resource, one global revision counter (the
/// resourceVersion), a bounded history of changes for watches, and the write rules of the real API server
/// (optimistic concurrency, status subresource, generation, finalizers and deletionTimestamp, owner-reference
/// garbage collection, schema pruning and validation). One lock serializes writes, as etcd's revision does.
/// See README.md for each rule and the test that proves it.
/// </summary>
public sealed partial class ObjectStore(ResourceRegistry registry, TimeProvider clock, int historyLimit = 1000)
{
    readonly Lock _gate = new();
    readonly Dictionary<string, SortedDictionary<string, JsonObject>> _objects = new(StringComparer.Ordinal);
    readonly LinkedList<Recorded> _history = new();
    readonly List<Watcher> _watchers = [];
    readonly Dictionary<string, (List<JsonObject> Remaining, string ResourceVersion)> _continues = new(StringComparer.Ordinal);
    long _revision = 1;
    long _compactedThrough;

    sealed record Recorded(long Revision, string Type, ResourceDefinition Definition, JsonObject Object);

    public ResourceRegistry Registry => registry;

    public long Revision { get { lock (_gate) return _revision; } }

    public int OpenWatches { get { lock (_gate) return _watchers.Count; } }

    // ---------------------------------------------------------------- reads

    public JsonObject Get(ResourceDefinition d, string? ns, string name)
    {
        lock (_gate) return (Find(d, ns, name) ?? throw ApiException.NotFound(d, name)).DeepClone().AsObject();
    }

    public JsonObject List(ResourceDefinition d, string? ns, string? labelSelector, string? fieldSelector, int? limit, string? continueToken)
    {
        var labels = Selectors.Labels(labelSelector);
        var fields = Selectors.Fields(fieldSelector);
        lock (_gate)
        {
            List<JsonObject> items;
            string rv;
            if (!string.IsNullOrEmpty(continueToken))
            {
                // A continued list is served from the snapshot of its first page, like etcd reading at that revision.
                if (!_continues.Remove(continueToken, out var state))
                    throw ApiException.Gone("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.");
                (items, rv) = state;
            }
            else
            {
                items = Bucket(d).Values.Where(o => (ns is null || Ns(o) == ns) && labels(o) && fields(o)).Select(o => o.DeepClone().AsObject()).ToList();
                rv = Rv(_revision);
            }
            string? next = null;
            long? remaining = null;
            if (limit is > 0 && items.Count > limit)
            {
                next = Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();
                _continues[next] = (items.Skip(limit.Value).ToList(), rv);
                remaining = items.Count - limit.Value;
                items = items.Take(limit.Value).ToList();
            }
            return new JsonObject
            {
                ["kind"] = d.Kind + "List",
                ["apiVersion"] = d.ApiVersion,
                ["metadata"] = new JsonObject { ["resourceVersion"] = rv, ["continue"] = next, ["remainingItemCount"] = remaining },
                ["items"] = new JsonArray(items.Select(i => (JsonNode)i).ToArray()),
            };
        }
    }

    // ---------------------------------------------------------------- writes

    public JsonObject Create(ResourceDefinition d, string? ns, JsonObject body)
    {
        lock (_gate)
        {
            var obj = body.DeepClone().AsObject();
            CheckTypeMeta(d, obj);
            var meta = Meta(obj);
            if (d.Namespaced)
            {
                if (meta["namespace"]?.GetValue<string>() is { Length: > 0 } bodyNs && bodyNs != ns)
                    throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
                meta["namespace"] = ns;
            }
            var name = meta["name"]?.GetValue<string>();
            if (string.IsNullOrEmpty(name))
            {
                var prefix = meta["generateName"]?.GetValue<string>();
                if (string.IsNullOrEmpty(prefix))
                    throw ApiException.Invalid(d, "", [("metadata.name", "FieldValueRequired", "Required value: name or generateName is required")]);
                name = prefix + RandomSuffix();
                meta["name"] = name;
            }
            ValidateName(d, name);
            if (Find(d, ns, name) is not null) throw ApiException.AlreadyExists(d, name);

            foreach (var server in new[] { "resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields" }) meta.Remove(server);
            meta["uid"] = Guid.NewGuid().ToString();
            meta["creationTimestamp"] = Time(clock.GetUtcNow());
            if (d.HasStatusSubresource) obj.Remove("status");   // create cannot set status
            if (d.IsCustom) meta["generation"] = 1L;
            ValidateOwnerReferences(d, name, obj);
            ValidateSchema(d, name, obj);
            Commit(d, "ADDED", obj);
            return obj.DeepClone().AsObject();
        }
    }

    /// <summary>PUT: the whole object. <paramref name="statusOnly"/> = PUT to <c>/status</c>.</summary>
    public JsonObject Replace(ResourceDefinition d, string? ns, string name, JsonObject body, bool statusOnly)
    {
        lock (_gate)
        {
            var old = Find(d, ns, name) ?? throw ApiException.NotFound(d, name);
            CheckTypeMeta(d, body);
            if (Meta(body)["name"]?.GetValue<string>() is { } bodyName && bodyName != name)
                throw ApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
            return UpdateCore(d, old, body.DeepClone().AsObject(), statusOnly, requireResourceVersion: true);
        }
    }

    public (JsonObject Object, bool Created) Patch(ResourceDefinition d, string? ns, string name, string contentType, string body,
        bool statusOnly, string? fieldManager)
    {
        lock (_gate)
        {
            var old = Find(d, ns, name);
            var media = contentType.Split(';')[0].Trim();
            if (media == "application/apply-patch+yaml")
            {
                if (string.IsNullOrEmpty(fieldManager))
                    throw ApiException.BadRequest("PATCH requests with apply content type must have fieldManager set");
                var applied = Yaml.ReadAll(body).FirstOrDefault() ?? throw ApiException.BadRequest("empty apply configuration");
                if (old is null)
                {
                    if (statusOnly) throw ApiException.NotFound(d, name);
                    Meta(applied)["name"] = name;
                    return (Create(d, ns, applied), true);
                }
                var merged = MergePatch.MergeApplied(old, applied)!.AsObject();
                return (UpdateCore(d, old, merged, statusOnly, requireResourceVersion: false), false);
            }
            if (old is null) throw ApiException.NotFound(d, name);
            JsonObject candidate;
            switch (media)
            {
                case "application/merge-patch+json":
                    candidate = MergePatch.Apply(old, Parse(body))!.AsObject();
                    break;
                case "application/json-patch+json":
                    candidate = JsonPatch.Apply(old, Parse(body) as JsonArray ?? throw ApiException.BadRequest("a JSON patch must be an array"))!.AsObject();
                    break;
                case "application/strategic-merge-patch+json":
                    if (d.IsCustom)
                        throw ApiException.UnsupportedMediaType("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
                    candidate = MergePatch.Apply(old, Parse(body))!.AsObject();   // approximation: lists replace, no patch directives
                    break;
                default:
                    throw ApiException.UnsupportedMediaType($"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (got {media})");
            }
            return (UpdateCore(d, old, candidate, statusOnly, requireResourceVersion: false), false);
        }
    }

    public JsonObject Delete(ResourceDefinition d, string? ns, string name, JsonObject? options)
    {
        lock (_gate)
        {
            var old = Find(d, ns, name) ?? throw ApiException.NotFound(d, name);
            var pre = options?["preconditions"] as JsonObject;
            if (pre?["resourceVersion"]?.GetValue<string>() is { Length: > 0 } prv && prv != Meta(old)["resourceVersion"]!.GetValue<string>())
                throw ApiException.Conflict(d, name, $"Precondition failed: ResourceVersion in precondition: {prv}, ResourceVersion in object meta: {Meta(old)["resourceVersion"]}");
            if (pre?["uid"]?.GetValue<string>() is { Length: > 0 } puid && puid != Meta(old)["uid"]!.GetValue<string>())
                throw ApiException.Conflict(d, name, $"Precondition failed: UID in precondition: {puid}, UID in object meta: {Meta(old)["uid"]}");
            var policy = options?["propagationPolicy"]?.GetValue<string>() ?? "Background";
            return DeleteCore(d, old, policy);
        }
    }

    // ---------------------------------------------------------------- watch

    /// <summary>Opens a watch. A null, empty or "0" resourceVersion starts with the current objects as ADDED events.</summary>
    public Watcher Watch(ResourceDefinition d, string? ns, string? resourceVersion, string? labelSelector, string? fieldSelector)
    {
        var labels = Selectors.Labels(labelSelector);
        var fields = Selectors.Fields(fieldSelector);
        var w = new Watcher(d, ns, o => labels(o) && fields(o));
        lock (_gate)
        {
            if (string.IsNullOrEmpty(resourceVersion) || resourceVersion == "0")
            {
                foreach (var o in Bucket(d).Values.Where(o => w.Matches(d, o))) w.Send("ADDED", o);
            }
            else
            {
                if (!long.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var from))
                    throw ApiException.BadRequest($"invalid resourceVersion: {resourceVersion}");
                if (from < _compactedThrough)
                {
                    w.Send("ERROR", Gone($"too old resource version: {from} ({_compactedThrough})"));
                    w.Close();
                    return w;
                }
                foreach (var e in _history.Where(e => e.Revision > from && w.Matches(e.Definition, e.Object))) w.Send(e.Type, e.Object);
            }
            _watchers.Add(w);
        }
        return w;
    }

    /// <summary>Queues a BOOKMARK carrying the current revision (under the lock, so no earlier event can follow it).</summary>
    public void Bookmark(Watcher w)
    {
        lock (_gate)
        {
            if (!_watchers.Contains(w)) return;
            w.Send("BOOKMARK", new JsonObject
            {
                ["kind"] = w.Definition.Kind,
                ["apiVersion"] = w.Definition.ApiVersion,
                ["metadata"] = new JsonObject { ["resourceVersion"] = Rv(_revision) },
            });
        }
    }

    public void StopWatching(Watcher w)
    {
        lock (_gate) _watchers.Remove(w);
        w.Close();
    }

    /// <summary>Forgets the change history (etcd compaction): watches from older versions get 410, continue tokens expire.</summary>
    public void Compact()
    {
        lock (_gate)
        {
            _history.Clear();
            _compactedThrough = _revision;
            _continues.Clear();
        }
    }

    /// <summary>Ends every open watch, as an API server restart or a load-balancer timeout would.</summary>
    public void CloseWatches()
    {
        lock (_gate)
        {
            foreach (var w in _watchers) w.Close();
            _watchers.Clear();
        }
    }

    static JsonObject Gone(string message) => ApiException.Gone(message).ToStatus();

    // ---------------------------------------------------------------- the rules

    JsonObject UpdateCore(ResourceDefinition d, JsonObject old, JsonObject candidate, bool statusOnly, bool requireResourceVersion)
    {
        var name = Meta(old)["name"]!.GetValue<string>();
        if (statusOnly && !d.HasStatusSubresource) throw ApiException.NotFound(d, name);
        var oldMeta = Meta(old);
        var meta = Meta(candidate);
        var rv = meta["resourceVersion"]?.GetValue<string>();
        if (string.IsNullOrEmpty(rv))
        {
            if (requireResourceVersion && !d.AllowUnconditionalUpdate)
                throw ApiException.Invalid(d, name, [("metadata.resourceVersion", "FieldValueInvalid", "Invalid value: 0x0: must be specified for an update")]);
        }
        else if (rv != oldMeta["resourceVersion"]!.GetValue<string>())
        {
            throw ApiException.Conflict(d, name);
        }
        if (meta["uid"]?.GetValue<string>() is { Length: > 0 } uid && uid != oldMeta["uid"]!.GetValue<string>())
            throw ApiException.Conflict(d, name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {oldMeta["uid"]}");

        JsonObject next;
        if (statusOnly)
        {
            // The status endpoint takes only .status from the request; everything else stays as stored.
            next = old.DeepClone().AsObject();
            if (candidate["status"] is { } status) next["status"] = status.DeepClone();
            else next.Remove("status");
        }
        else
        {
            next = candidate;
            var nextMeta = Meta(next);
            foreach (var server in new[] { "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "namespace", "name" })
            {
                if (oldMeta[server] is { } v) nextMeta[server] = v.DeepClone();
                else nextMeta.Remove(server);
            }
            if (d.HasStatusSubresource)
            {
                // The main endpoint ignores .status when the status subresource is enabled.
                if (old["status"] is { } status) next["status"] = status.DeepClone();
                else next.Remove("status");
            }
            if (oldMeta["deletionTimestamp"] is not null)
            {
                var before = Strings(oldMeta["finalizers"]);
                var added = Strings(nextMeta["finalizers"]).Except(before).ToList();
                if (added.Count > 0)
                    throw ApiException.Invalid(d, name, [("metadata.finalizers", "FieldValueForbidden", "Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers " + string.Join(", ", added))]);
            }
            if (d.IsCustom && !JsonNode.DeepEquals(WithoutMetadata(old), WithoutMetadata(next)))
                nextMeta["generation"] = Long(oldMeta["generation"]) + 1;
            ValidateOwnerReferences(d, name, next);
        }
        Meta(next)["resourceVersion"] = oldMeta["resourceVersion"]!.DeepClone();
        ValidateSchema(d, name, next);

        if (JsonNode.DeepEquals(next, old)) return old.DeepClone().AsObject();   // a no-op write changes nothing: same resourceVersion, no event
        if (Meta(next)["deletionTimestamp"] is not null && Strings(Meta(next)["finalizers"]).Count == 0)
        {
            var removed = Remove(d, next);   // the last finalizer is gone: now it is really deleted
            CollectGarbage(Meta(removed)["uid"]!.GetValue<string>(), "Background");
            return removed;
        }
        Commit(d, "MODIFIED", next);
        return next.DeepClone().AsObject();
    }

    JsonObject DeleteCore(ResourceDefinition d, JsonObject old, string policy)
    {
        var meta = Meta(old);
        if (Strings(meta["finalizers"]).Count > 0)
        {
            if (meta["deletionTimestamp"] is not null) return old.DeepClone().AsObject();   // already terminating
            var next = old.DeepClone().AsObject();
            var nextMeta = Meta(next);
            nextMeta["deletionTimestamp"] = Time(clock.GetUtcNow());
            nextMeta["deletionGracePeriodSeconds"] = 0;
            // Deletion is a change of intent: the registry bumps generation when it first sets deletionTimestamp.
            if (Long(nextMeta["generation"]) is > 0 and var g) nextMeta["generation"] = g + 1;
            Commit(d, "MODIFIED", next);
            return next.DeepClone().AsObject();
        }
        var removed = Remove(d, old);
        CollectGarbage(meta["uid"]!.GetValue<string>(), policy);
        return removed;
    }

    /// <summary>
    /// The garbage collector, run synchronously after an owner is removed: a dependent loses its reference to the dead
    /// owner, and is deleted (honouring its own finalizers) when no owner remains — unless the owner was deleted with
    /// <c>propagationPolicy: Orphan</c>, which only removes the reference.
    /// </summary>
    void CollectGarbage(string ownerUid, string policy)
    {
        foreach (var (key, bucket) in _objects.ToList())
        {
            var d = registry.All.First(r => r.Key == key);
            foreach (var dependent in bucket.Values.ToList())
            {
                var refs = Meta(dependent)["ownerReferences"] as JsonArray;
                if (refs is null || !refs.Any(r => r?["uid"]?.GetValue<string>() == ownerUid)) continue;
                var remaining = refs.Where(r => r?["uid"]?.GetValue<string>() != ownerUid && OwnerExists(r!["uid"]!.GetValue<string>())).ToList();
                if (policy == "Orphan" || remaining.Count > 0)
                {
                    var next = dependent.DeepClone().AsObject();
                    var kept = new JsonArray(refs.Where(r => r?["uid"]?.GetValue<string>() != ownerUid).Select(r => r!.DeepClone()).ToArray());
                    if (kept.Count == 0) Meta(next).Remove("ownerReferences");
                    else Meta(next)["ownerReferences"] = kept;
                    Commit(d, "MODIFIED", next);
                }
                else
                {
                    DeleteCore(d, dependent, "Background");
                }
            }
        }
    }

    bool OwnerExists(string uid) =>
        _objects.Values.Any(b => b.Values.Any(o => Meta(o)["uid"]?.GetValue<string>() == uid));

    void ValidateSchema(ResourceDefinition d, string name, JsonObject obj)
    {
        if (d.Schema is null) return;
        var (errors, _) = StructuralSchema.Apply(obj, d.Schema);
        if (errors.Count > 0) throw ApiException.Invalid(d, name, errors.Select(e => (e.Field, e.Reason, e.Message)).ToList());
    }

    static void ValidateOwnerReferences(ResourceDefinition d, string name, JsonObject obj)
    {
        if (Meta(obj)["ownerReferences"] is not JsonArray refs) return;
        var controllers = refs.Count(r => r?["controller"]?.GetValue<bool>() == true);
        if (controllers > 1)
            throw ApiException.Invalid(d, name, [("metadata.ownerReferences", "FieldValueInvalid", "Invalid value: only one reference can have Controller set to true")]);
        foreach (var r in refs)
            if (string.IsNullOrEmpty(r?["uid"]?.GetValue<string>()) || string.IsNullOrEmpty(r?["name"]?.GetValue<string>()))
                throw ApiException.Invalid(d, name, [("metadata.ownerReferences.uid", "FieldValueInvalid", "Invalid value: \"\": uid and name must not be empty")]);
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();

    static void ValidateName(ResourceDefinition d, string name)
    {
        if (name.Length > 253 || !DnsSubdomain().IsMatch(name))
            throw ApiException.Invalid(d, name, [("metadata.name", "FieldValueInvalid",
                $"Invalid value: \"{name}\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character")]);
    }

    static void CheckTypeMeta(ResourceDefinition d, JsonObject obj)
    {
        var apiVersion = obj["apiVersion"]?.GetValue<string>();
        var kind = obj["kind"]?.GetValue<string>();
        if (apiVersion is not null && apiVersion != d.ApiVersion || kind is not null && kind != d.Kind)
            throw ApiException.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({d.ApiVersion})");
        obj["apiVersion"] = d.ApiVersion;
        obj["kind"] = d.Kind;
    }

    // ---------------------------------------------------------------- storage

    void Commit(ResourceDefinition d, string type, JsonObject obj)
    {
        _revision++;
        Meta(obj)["resourceVersion"] = Rv(_revision);
        Bucket(d)[Key(obj)] = obj;
        Record(d, type, obj);
    }

    JsonObject Remove(ResourceDefinition d, JsonObject obj)
    {
        _revision++;
        var gone = obj.DeepClone().AsObject();
        Meta(gone)["resourceVersion"] = Rv(_revision);
        Bucket(d).Remove(Key(obj));
        Record(d, "DELETED", gone);
        return gone.DeepClone().AsObject();
    }

    void Record(ResourceDefinition d, string type, JsonObject obj)
    {
        var snapshot = obj.DeepClone().AsObject();
        _history.AddLast(new Recorded(_revision, type, d, snapshot));
        while (_history.Count > historyLimit)
        {
            _compactedThrough = _history.First!.Value.Revision;
            _history.RemoveFirst();
        }
        foreach (var w in _watchers)
            if (w.Matches(d, snapshot)) w.Send(type, snapshot);
    }

    SortedDictionary<string, JsonObject> Bucket(ResourceDefinition d)
    {
        if (!_objects.TryGetValue(d.Key, out var b)) _objects[d.Key] = b = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        return b;
    }

    JsonObject? Find(ResourceDefinition d, string? ns, string name) =>
        Bucket(d).GetValueOrDefault(d.Namespaced ? $"{ns}/{name}" : name);

    static string Key(JsonObject o) => Ns(o) is { Length: > 0 } ns ? $"{ns}/{Meta(o)["name"]}" : Meta(o)["name"]!.GetValue<string>();

    static string? Ns(JsonObject o) => o["metadata"]?["namespace"]?.GetValue<string>();

    static JsonObject Meta(JsonObject o)
    {
        if (o["metadata"] is JsonObject m) return m;
        m = new JsonObject();
        o["metadata"] = m;
        return m;
    }

    static JsonObject WithoutMetadata(JsonObject o)
    {
        var copy = o.DeepClone().AsObject();
        copy.Remove("metadata");
        return copy;
    }

    static List<string> Strings(JsonNode? array) =>
        (array as JsonArray)?.Select(n => n!.GetValue<string>()).ToList() ?? [];

    static JsonNode? Parse(string body)
    {
        try { return JsonNode.Parse(body); }
        catch (System.Text.Json.JsonException e) { throw ApiException.BadRequest($"the body is not valid JSON: {e.Message}"); }
    }

    static long Long(JsonNode? n) => n is null ? 0 : long.Parse(n.ToJsonString(), CultureInfo.InvariantCulture);

    static string Rv(long revision) => revision.ToString(CultureInfo.InvariantCulture);

    static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    static string RandomSuffix()
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";   // the generator's alphabet: no vowels, no look-alikes
        return string.Concat(Enumerable.Range(0, 5).Select(_ => alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)]));
    }
}
