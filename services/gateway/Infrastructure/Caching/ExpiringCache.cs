using System.Collections.Concurrent;

namespace Cmp.Gateway.Infrastructure.Caching;

/// <summary>
/// A small cache for answers of the control plane that may be reused for a short, documented time (API key checks,
/// instance lookups). Concurrent misses for one key share a single call. An entry's age counts from when its call
/// <em>started</em>, so a change made in the control plane is seen at most <c>ttl</c> later, whatever the call's
/// duration. Answers the <c>keep</c> predicate refuses (transient failures) are not cached at all.
/// </summary>
public sealed class ExpiringCache<TKey, TValue>(TimeProvider clock, TimeSpan ttl, int maxEntries) where TKey : notnull
{
    readonly ConcurrentDictionary<TKey, Entry> _entries = new();

    sealed class Entry(Task<TValue> value, long startedAt)
    {
        public Task<TValue> Value { get; } = value;
        public long StartedAt { get; } = startedAt;
    }

    public int Count => _entries.Count;

    public async Task<TValue> GetAsync(TKey key, Func<TKey, Task<TValue>> load, Func<TValue, bool> keep)
    {
        var now = clock.GetTimestamp();
        if (_entries.TryGetValue(key, out var hit) && Fresh(hit, now))
        {
            if (!hit.Value.IsCompleted || hit.Value.IsCompletedSuccessfully) return await hit.Value;
            _entries.TryRemove(new KeyValuePair<TKey, Entry>(key, hit));   // a faulted load is never reused
        }

        // Start the load only if we are the one whose entry got in; everyone else awaits that entry.
        var mine = new TaskCompletionSource<TValue>(TaskCreationOptions.RunContinuationsAsynchronously);
        var entry = new Entry(mine.Task, now);
        while (true)
        {
            var current = _entries.GetOrAdd(key, entry);
            if (ReferenceEquals(current, entry)) break;
            if (Fresh(current, now) && !current.Value.IsFaulted) return await current.Value;
            if (_entries.TryUpdate(key, entry, current)) break;
        }
        if (_entries.Count > maxEntries) Trim(now);

        try
        {
            var value = await load(key);
            if (!keep(value)) _entries.TryRemove(new KeyValuePair<TKey, Entry>(key, entry));
            mine.SetResult(value);
            return value;
        }
        catch (Exception e)
        {
            _entries.TryRemove(new KeyValuePair<TKey, Entry>(key, entry));
            mine.SetException(e);
            throw;
        }
    }

    bool Fresh(Entry e, long now) => clock.GetElapsedTime(e.StartedAt, now) < ttl;

    /// <summary>Over the bound: drop expired entries first, then everything if that was not enough (a flood of
    /// distinct keys must not grow memory without limit; the cost is a few extra control-plane calls).</summary>
    void Trim(long now)
    {
        foreach (var (key, e) in _entries)
            if (!Fresh(e, now)) _entries.TryRemove(new KeyValuePair<TKey, Entry>(key, e));
        if (_entries.Count > maxEntries) _entries.Clear();
    }
}
