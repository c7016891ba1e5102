using System.Collections.Concurrent;
using Cmp.Primitives;

namespace Cmp.Kubernetes.Tests.Operator.Example;

/// <summary>
/// The external system the example reconciler converges (standing in for the control plane's database and Saleor):
/// products keyed by SKU. It can be told to fail, to be slow, and it records which replica wrote what.
/// </summary>
public sealed class FakeCatalog
{
    public sealed record Product(string Sku, string Name, long PriceMinor, string Currency, bool Enabled, string WrittenBy, long Generation);

    readonly ConcurrentDictionary<string, Product> _products = new(StringComparer.Ordinal);
    readonly ConcurrentQueue<string> _writers = new();
    int _failures;

    public IReadOnlyDictionary<string, Product> Products => _products;

    /// <summary>Replica names in the order they wrote (to prove only the leader works).</summary>
    public IReadOnlyCollection<string> Writers => _writers.ToArray();

    /// <summary>The next <paramref name="count"/> writes fail with a transient error.</summary>
    public void FailNext(int count) => Interlocked.Exchange(ref _failures, count);

    /// <summary>Each write waits for this gate (null = no wait), so a test can hold a reconcile in flight.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public int Writes => _writers.Count;

    public static readonly HashSet<string> KnownTemplates = ["customer-support", "knowledge-base"];

    public async Task<Result<string>> UpsertAsync(Product p, CancellationToken ct)
    {
        if (Gate is { } gate) await gate.Task.WaitAsync(ct);
        if (Interlocked.Decrement(ref _failures) >= 0) return Error.Transient("catalog_unavailable", "The catalog is down (test fault).");
        _products[p.Sku] = p;
        _writers.Enqueue(p.WrittenBy);
        return $"product-{p.Sku.ToLowerInvariant()}";
    }

    public Task RemoveAsync(string sku)
    {
        _products.TryRemove(sku, out _);
        return Task.CompletedTask;
    }
}

/// <summary>Which replica this process is, in multi-replica tests.</summary>
public sealed record ReplicaTag(string Name);
