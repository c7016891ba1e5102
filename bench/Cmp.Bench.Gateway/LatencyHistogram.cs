namespace Cmp.Bench.Gateway;

/// <summary>
/// An HDR-style histogram of latencies in microseconds: exact below 256 µs; above, a value with bit length b lands in
/// a bucket 2^(b-8) wide, so the relative error stays below 1/128 (0.8 %). Recording is O(1) and lock-free;
/// percentiles never understate (a bucket reports its upper bound, capped at the true maximum).
/// </summary>
public sealed class LatencyHistogram
{
    const int SubBits = 8;
    const int Sub = 1 << SubBits;
    const int MaxShift = 40 - SubBits;   // up to 2^40 µs
    readonly long[] _counts = new long[(MaxShift + 1) * Sub];
    long _count;
    long _max;

    public long Count => Interlocked.Read(ref _count);
    public TimeSpan Max => TimeSpan.FromMicroseconds(Interlocked.Read(ref _max));

    public void Record(TimeSpan latency)
    {
        var us = Math.Clamp((long)latency.TotalMicroseconds, 0, (1L << 40) - 1);
        Interlocked.Increment(ref _counts[Index(us)]);
        Interlocked.Increment(ref _count);
        long seen;
        while (us > (seen = Interlocked.Read(ref _max)) && Interlocked.CompareExchange(ref _max, us, seen) != seen) { }
    }

    /// <summary>The latency at or below which <paramref name="percentile"/> % of the recorded values fall.</summary>
    public TimeSpan Percentile(double percentile)
    {
        var total = Count;
        if (total == 0) return TimeSpan.Zero;
        var rank = Math.Max(1, (long)Math.Ceiling(percentile / 100 * total));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += Interlocked.Read(ref _counts[i]);
            if (seen >= rank) return TimeSpan.FromMicroseconds(Math.Min(UpperBound(i), Interlocked.Read(ref _max)));
        }
        return Max;
    }

    static int Index(long us)
    {
        if (us < Sub) return (int)us;
        var shift = (64 - (int)long.LeadingZeroCount(us)) - SubBits;   // ≥ 1; us >> shift is in [128, 255]
        return shift * Sub + (int)(us >> shift);
    }

    static long UpperBound(int index)
    {
        var shift = index / Sub;
        var sub = index % Sub;
        return shift == 0 ? sub : ((long)(sub + 1) << shift) - 1;
    }
}
