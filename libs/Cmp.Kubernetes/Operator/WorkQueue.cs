namespace Cmp.Kubernetes.Operator;

/// <summary>
/// client-go's rate-limited work queue: a key waits in the queue at most once (adds while queued are merged), a key
/// being processed is never handed to a second worker (an add while processing marks it dirty and it is queued again
/// on <see cref="Done"/>), delayed adds keep the earliest due time, and <see cref="AddRateLimited"/> backs off
/// exponentially per key until <see cref="Forget"/>.
/// </summary>
public sealed class WorkQueue : IDisposable
{
    readonly Lock _gate = new();
    readonly Queue<string> _queue = new();
    readonly HashSet<string> _dirty = new(StringComparer.Ordinal);
    readonly HashSet<string> _processing = new(StringComparer.Ordinal);
    readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);
    readonly Dictionary<string, (DateTimeOffset Due, ITimer Timer)> _delayed = new(StringComparer.Ordinal);
    readonly SemaphoreSlim _available = new(0);
    readonly TimeProvider _clock;
    readonly TimeSpan _baseDelay;
    readonly TimeSpan _maxDelay;
    bool _shuttingDown;

    public WorkQueue(TimeProvider? clock = null, TimeSpan? baseDelay = null, TimeSpan? maxDelay = null)
    {
        _clock = clock ?? TimeProvider.System;
        _baseDelay = baseDelay ?? TimeSpan.FromMilliseconds(100);
        _maxDelay = maxDelay ?? TimeSpan.FromMinutes(5);
    }

    /// <summary>Keys waiting (not counting delayed ones or those being processed).</summary>
    public int Count { get { lock (_gate) return _queue.Count; } }

    public bool IsShuttingDown { get { lock (_gate) return _shuttingDown; } }

    public void Add(string key)
    {
        lock (_gate)
        {
            if (_shuttingDown || !_dirty.Add(key)) return;
            if (_processing.Contains(key)) return;   // queued again by Done
            _queue.Enqueue(key);
        }
        _available.Release();
    }

    /// <summary>Adds after <paramref name="delay"/>; an earlier pending delayed add of the same key wins.</summary>
    public void AddAfter(string key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }
        lock (_gate)
        {
            if (_shuttingDown) return;
            var due = _clock.GetUtcNow() + delay;
            if (_delayed.TryGetValue(key, out var pending))
            {
                if (pending.Due <= due) return;
                pending.Timer.Dispose();
            }
            var timer = _clock.CreateTimer(_ => Fire(key), null, delay, Timeout.InfiniteTimeSpan);
            _delayed[key] = (due, timer);
        }
    }

    void Fire(string key)
    {
        lock (_gate)
        {
            if (_delayed.Remove(key, out var pending)) pending.Timer.Dispose();
        }
        Add(key);
    }

    /// <summary>Adds after this key's next backoff step: base × 2^(failures), capped.</summary>
    public TimeSpan AddRateLimited(string key)
    {
        TimeSpan delay;
        lock (_gate)
        {
            var n = _failures.GetValueOrDefault(key);
            _failures[key] = n + 1;
            var ticks = _baseDelay.Ticks * Math.Pow(2, Math.Min(n, 40));
            delay = ticks >= _maxDelay.Ticks ? _maxDelay : TimeSpan.FromTicks((long)ticks);
        }
        AddAfter(key, delay);
        return delay;
    }

    /// <summary>Stops backing off this key (call after a success).</summary>
    public void Forget(string key)
    {
        lock (_gate) _failures.Remove(key);
    }

    public int Requeues(string key)
    {
        lock (_gate) return _failures.GetValueOrDefault(key);
    }

    /// <summary>The next key to process, or null once the queue is shut down.</summary>
    public async Task<string?> GetAsync(CancellationToken ct)
    {
        while (true)
        {
            try
            {
                await _available.WaitAsync(ct);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
            lock (_gate)
            {
                if (_shuttingDown) return null;
                if (!_queue.TryDequeue(out var key)) continue;
                _processing.Add(key);
                _dirty.Remove(key);
                return key;
            }
        }
    }

    /// <summary>Marks a key finished; if it was added while being processed it goes back in the queue.</summary>
    public void Done(string key)
    {
        var requeue = false;
        lock (_gate)
        {
            _processing.Remove(key);
            if (_dirty.Contains(key) && !_shuttingDown)
            {
                _queue.Enqueue(key);
                requeue = true;
            }
        }
        if (requeue) _available.Release();
    }

    /// <summary>Hands out no more keys; waiting <see cref="GetAsync"/> calls return null.</summary>
    public void ShutDown()
    {
        lock (_gate)
        {
            if (_shuttingDown) return;
            _shuttingDown = true;
            foreach (var (_, pending) in _delayed) pending.Timer.Dispose();
            _delayed.Clear();
        }
        _available.Release(1024);
    }

    public void Dispose()
    {
        ShutDown();
        _available.Dispose();
    }
}
