using System.ComponentModel.DataAnnotations;

namespace Cmp.Gateway.Features.Runs;

/// <summary>Metered runs. Bound from <c>Runs</c>.</summary>
public sealed class RunsOptions
{
    public const string Section = "Runs";

    /// <summary>The longest <c>input</c>, in characters (keep it at or below the runner's <c>Runner:MaxInputLength</c>).</summary>
    [Range(1, 10_000_000)]
    public int MaxInputLength { get; set; } = 100_000;

    /// <summary>The largest <c>POST /v1/runs</c> body, in bytes; larger bodies are refused with 413 before they are read.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public long MaxRequestBytes { get; set; } = 512 * 1024;

    /// <summary>A run (sync or streamed) is stopped after this long and fails with <c>run_timeout</c> (504).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "02:00:00")]
    public TimeSpan MaxRunDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long the control plane holds a run's reservation if nobody settles it (a crashed gateway): the ledger's
    /// own last resort. Must be longer than <see cref="MaxRunDuration"/>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "02:00:00")]
    public TimeSpan ReservationTtl { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A <c>: keep-alive</c> comment goes out on a silent stream this often (proxies cut idle connections).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:05:00")]
    public TimeSpan StreamHeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Commit (or release) a run's reservation before answering, so the answer carries <c>usage.balance_after</c>
    /// (default). When false the answer goes out as soon as the outcome is recorded and the charge is settled right
    /// after, in the background: one control-plane round trip less on every run, and <c>balance_after</c> is left out.
    /// The charge is just as certain either way (the recorded outcome drives the settlement worker).
    /// </summary>
    public bool SettleBeforeResponse { get; set; } = true;

    /// <summary>
    /// Meter runs against credit leases instead of a reservation per run: the gateway reserves a block of a tenant's
    /// credits at a time (sized to the tenant's recent spending), charges runs against it in memory, and settles the
    /// block with the sum of its runs' recorded costs once it closed and its last run ended. A run then costs no
    /// control-plane round trip, which is what lets one replica meter hundreds of runs a second. Answers carry no
    /// <c>balance_after</c>, the ledger shows one reserve and one commit per lease (the run records say which runs
    /// made it), and a tenant's credits held by another replica's open lease are only available again once that lease
    /// closes (<see cref="LeaseDuration"/>).
    /// </summary>
    public bool CreditLeases { get; set; }

    /// <summary>A lease takes new runs for this long; then it closes, hands back what its runs in flight cannot use,
    /// and is settled when the last of them ends.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A lease reserves at least this many runs' worth (a tenant's first runs should not each need a lease);
    /// less when the balance is smaller.</summary>
    [Range(1, 100_000)]
    public int MinLeaseRuns { get; set; } = 10;

    /// <summary>The most credits one lease reserves.</summary>
    [Range(1, long.MaxValue)]
    public long MaxLeaseCredits { get; set; } = 10_000;

    /// <summary>How often the settlement worker looks for runs whose commit or release has not gone through.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan SettlementInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the request that ran a run has to settle it itself before the worker may take over.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan SettlementGrace { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Retry backoff of the settlement worker: doubles from <see cref="SettlementGrace"/>'s tenth up to this.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan SettlementMaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Runs settled per worker pass.</summary>
    [Range(1, 10_000)]
    public int SettlementBatchSize { get; set; } = 100;

    /// <summary>Run the settlement worker in this process.</summary>
    public bool SettlementWorkerEnabled { get; set; } = true;

    /// <summary>A run still <c>running</c> this long after it started belongs to a gateway that died: the worker
    /// marks it failed (<c>run_interrupted</c>) and releases its reservation.</summary>
    public TimeSpan OrphanAfter => MaxRunDuration + TimeSpan.FromMinutes(2);

    /// <summary>How long to wait before settlement attempt <paramref name="attempts"/> + 1: doubles from a tenth of
    /// <see cref="SettlementGrace"/> (at least <see cref="SettlementInterval"/>) up to <see cref="SettlementMaxBackoff"/>.</summary>
    public TimeSpan SettlementBackoff(int attempts)
    {
        var first = TimeSpan.FromTicks(Math.Max(SettlementInterval.Ticks, SettlementGrace.Ticks / 10));
        var delay = first * Math.Pow(2, Math.Clamp(attempts - 1, 0, 20));
        return delay > SettlementMaxBackoff ? SettlementMaxBackoff : delay;
    }
}
