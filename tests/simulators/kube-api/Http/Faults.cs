using System.Collections.Concurrent;

namespace Cmp.Simulators.KubeApi.Http;

/// <summary>Scripted failures: the next <see cref="Count"/> requests matching method and path answer <see cref="Status"/>
/// (0 = drop the connection) instead of being served.</summary>
public sealed record Fault(string? Method, string PathContains, int Status, int Count);

/// <summary>One request the fake served, for assertions about what a client actually sent.</summary>
public sealed record RecordedRequest(string Method, string PathAndQuery, string? ContentType, int Status, string? UserAgent = null);

public sealed class FaultInjector
{
    readonly Lock _gate = new();
    readonly List<(Fault Fault, int Left)> _faults = [];

    public void Add(Fault fault)
    {
        lock (_gate) _faults.Add((fault, fault.Count));
    }

    public void Clear()
    {
        lock (_gate) _faults.Clear();
    }

    public int? Take(string method, string path)
    {
        lock (_gate)
        {
            for (var i = 0; i < _faults.Count; i++)
            {
                var (f, left) = _faults[i];
                if (left <= 0 || f.Method is not null && !f.Method.Equals(method, StringComparison.OrdinalIgnoreCase)
                    || !path.Contains(f.PathContains, StringComparison.Ordinal)) continue;
                _faults[i] = (f, left - 1);
                return f.Status;
            }
            return null;
        }
    }
}

public sealed class RequestLog
{
    readonly ConcurrentQueue<RecordedRequest> _requests = new();

    public void Add(RecordedRequest r)
    {
        _requests.Enqueue(r);
        while (_requests.Count > 10_000) _requests.TryDequeue(out _);
    }

    public IReadOnlyList<RecordedRequest> All => _requests.ToArray();

    public void Clear() => _requests.Clear();
}
