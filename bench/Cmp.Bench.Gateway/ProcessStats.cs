using System.Globalization;

namespace Cmp.Bench.Gateway;

/// <summary>
/// What the kernel says about a process (Linux /proc): peak resident memory (VmHWM) and CPU time used. A "process"
/// here may be a tree (PostgreSQL: the postmaster and its backends), whose CPU times add up and whose peak memory is
/// sampled as the sum of current RSS.
/// </summary>
public sealed class ProcessStats(string name, int pid, bool tree)
{
    static readonly double TicksPerSecond = 100;   // USER_HZ on Linux
    long _peakTreeRssKb;

    public string Name { get; } = name;
    public int Pid { get; } = pid;

    /// <summary>Total CPU time (user + system) of the process, or the tree, so far.</summary>
    public TimeSpan CpuTime()
    {
        double ticks = 0;
        foreach (var p in Members()) ticks += CpuTicks(p);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    /// <summary>Peak resident set size in MiB: VmHWM for one process; the largest sampled sum for a tree.</summary>
    public double PeakRssMb()
    {
        if (!tree) return (Status(Pid, "VmHWM:") ?? 0) / 1024.0;
        Sample();
        return Interlocked.Read(ref _peakTreeRssKb) / 1024.0;
    }

    /// <summary>Samples the tree's current memory (call periodically during load): the sum of proportional set sizes,
    /// so pages the backends share (PostgreSQL's shared buffers) count once, not once per backend.</summary>
    public void Sample()
    {
        if (!tree) return;
        var sum = Members().Sum(p => Rollup(p, "Pss:") ?? 0);
        long seen;
        while (sum > (seen = Interlocked.Read(ref _peakTreeRssKb)) && Interlocked.CompareExchange(ref _peakTreeRssKb, sum, seen) != seen) { }
    }

    IEnumerable<int> Members()
    {
        yield return Pid;
        if (!tree) yield break;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(dir), out var p) && p != Pid && ParentOf(p) == Pid) yield return p;
    }

    static int ParentOf(int pid) => StatFields(pid) is { Length: > 1 } f && int.TryParse(f[1], out var ppid) ? ppid : -1;

    static double CpuTicks(int pid) =>
        StatFields(pid) is { Length: > 12 } f
            ? double.Parse(f[11], CultureInfo.InvariantCulture) + double.Parse(f[12], CultureInfo.InvariantCulture)
            : 0;

    /// <summary>The fields of /proc/pid/stat after the command name (state is [0], ppid [1], utime [11], stime [12]).</summary>
    static string[]? StatFields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    static long? Status(int pid, string key) => Field($"/proc/{pid}/status", key);

    static long? Rollup(int pid, string key) => Field($"/proc/{pid}/smaps_rollup", key);

    static long? Field(string file, string key)
    {
        try
        {
            foreach (var line in File.ReadLines(file))
                if (line.StartsWith(key, StringComparison.Ordinal))
                    return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }
}
