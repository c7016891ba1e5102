using System.Collections.Concurrent;
using Cmp.Kubernetes.Client;
using Cmp.Kubernetes.Model;
using Microsoft.Extensions.Logging;

namespace Cmp.Kubernetes.Operator;

/// <summary>
/// client-go's reflector and store: lists (paged), then watches from the list's resourceVersion, keeping a cache of
/// every object. A watch that ends normally resumes from the last resourceVersion seen (bookmarks included); a 410
/// Gone means the resume point was compacted away, so it lists again and reports the differences (objects deleted
/// in the gap come out as deletions). Other failures back off exponentially with jitter.
/// </summary>
public sealed class Informer<T>(IKubeClient client, string? ns, string? labelSelector, TimeSpan watchTimeout, ILogger log)
    where T : KubeObject, IKubeResource
{
    readonly ConcurrentDictionary<string, T> _cache = new(StringComparer.Ordinal);
    volatile bool _synced;

    /// <summary>Called for every change: the type, the previous cached state (null when new) and the current one.</summary>
    public event Action<WatchEventType, T?, T>? Changed;

    public bool HasSynced => _synced;

    /// <summary>The resourceVersion the next watch resumes from.</summary>
    public string? LastResourceVersion { get; private set; }

    /// <summary>Relists so far (the first list included); exposed for tests and diagnostics.</summary>
    public int Lists { get; private set; }

    public T? Get(string key) => _cache.GetValueOrDefault(key);

    public ICollection<string> Keys => _cache.Keys;

    public async Task RunAsync(CancellationToken ct)
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30));
        while (!ct.IsCancellationRequested)
        {
            var list = await client.ListAsync<T>(ns, new ListOptions { Limit = 500, LabelSelector = labelSelector }, ct);
            if (!list.IsSuccess)
            {
                log.LogWarning("Listing {Resource} failed: {Error}", T.Resource.Plural, list.Error.Message);
                await backoff.WaitAsync(ct);
                continue;
            }
            Lists++;
            Replace(list.Value.Items);
            LastResourceVersion = list.Value.Metadata.ResourceVersion;
            _synced = true;
            backoff.Reset();
            await WatchUntilGoneAsync(backoff, ct);
        }
    }

    async Task WatchUntilGoneAsync(Backoff backoff, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            // Jitter the server-side timeout so many watchers don't all reconnect at once (client-go: 1x–2x).
            var timeout = watchTimeout + TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * watchTimeout.TotalMilliseconds);
            var failed = false;
            await foreach (var e in client.WatchAsync<T>(ns, new WatchOptions
            {
                ResourceVersion = LastResourceVersion, LabelSelector = labelSelector, AllowBookmarks = true, Timeout = timeout,
            }, ct))
            {
                switch (e.Type)
                {
                    case WatchEventType.Error when e.IsGone:
                        log.LogInformation("Watch of {Resource} expired at resourceVersion {Version}; listing again", T.Resource.Plural, LastResourceVersion);
                        return;
                    case WatchEventType.Error:
                        log.LogWarning("Watch of {Resource} failed: {Code} {Message}", T.Resource.Plural, e.Status?.Code, e.Status?.Message);
                        failed = true;
                        break;
                    case WatchEventType.Bookmark:
                        LastResourceVersion = e.Object?.Metadata.ResourceVersion ?? LastResourceVersion;
                        break;
                    case WatchEventType.Deleted:
                        LastResourceVersion = e.Object!.Metadata.ResourceVersion;
                        if (_cache.TryRemove(e.Object.Key, out var gone)) Changed?.Invoke(WatchEventType.Deleted, gone, e.Object);
                        break;
                    default:
                        LastResourceVersion = e.Object!.Metadata.ResourceVersion;
                        var old = _cache.GetValueOrDefault(e.Object.Key);
                        _cache[e.Object.Key] = e.Object;
                        Changed?.Invoke(old is null ? WatchEventType.Added : WatchEventType.Modified, old, e.Object);
                        break;
                }
            }
            if (failed) await backoff.WaitAsync(ct);
            else backoff.Reset();
        }
    }

    /// <summary>Swaps in a fresh list and reports what differs from the cache.</summary>
    void Replace(List<T> items)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            seen.Add(item.Key);
            var old = _cache.GetValueOrDefault(item.Key);
            _cache[item.Key] = item;
            if (old is null) Changed?.Invoke(WatchEventType.Added, null, item);
            else if (old.Metadata.ResourceVersion != item.Metadata.ResourceVersion) Changed?.Invoke(WatchEventType.Modified, old, item);
        }
        foreach (var key in _cache.Keys.Where(k => !seen.Contains(k)).ToList())
            if (_cache.TryRemove(key, out var gone)) Changed?.Invoke(WatchEventType.Deleted, gone, gone);
    }
}

/// <summary>Exponential backoff with full jitter, for retry loops that are not per-key.</summary>
public sealed class Backoff(TimeSpan initial, TimeSpan max)
{
    int _attempt;

    public TimeSpan Next()
    {
        var cap = Math.Min(max.Ticks, initial.Ticks * Math.Pow(2, Math.Min(_attempt++, 30)));
        return TimeSpan.FromTicks((long)(cap / 2 + Random.Shared.NextDouble() * cap / 2));
    }

    public Task WaitAsync(CancellationToken ct) => Task.Delay(Next(), ct).ContinueWith(_ => { }, TaskScheduler.Default);

    public void Reset() => _attempt = 0;
}
