namespace Cmp.Bench.AgentCommerce;

/// <summary>Nearest-rank percentiles of a set of milliseconds.</summary>
sealed class Percentiles(IEnumerable<double> samples)
{
    readonly double[] _ms = samples.Order().ToArray();

    public int Count => _ms.Length;

    public double P(double percentile) =>
        _ms.Length == 0 ? double.NaN : _ms[Math.Clamp((int)Math.Ceiling(percentile / 100 * _ms.Length) - 1, 0, _ms.Length - 1)];
}
