namespace Cmp.Bench.Provisioning;

/// <summary>Nearest-rank percentiles of a set of durations.</summary>
sealed class Percentiles(IEnumerable<TimeSpan> samples)
{
    readonly double[] _ms = samples.Select(s => s.TotalMilliseconds).Order().ToArray();

    public int Count => _ms.Length;

    public double P(double percentile) =>
        _ms.Length == 0 ? double.NaN : _ms[Math.Clamp((int)Math.Ceiling(percentile / 100 * _ms.Length) - 1, 0, _ms.Length - 1)];

    public override string ToString() => $"p50 {P(50):F1} ms, p99 {P(99):F1} ms, max {P(100):F1} ms (n={Count})";
}
