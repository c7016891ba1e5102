using System.Globalization;
using System.Text;
using Cmp.Bench.Gateway;
using Cmp.Testing;

// `make bench`: the gateway's cost as a ratio, on loopback, in one run. See bench/README.md.
var quick = args.Contains("--quick");
var logs = args.Contains("--logs");
var metering = args.Contains("--settle-after-response") ? Metering.PerRunSettledAfter : args.Contains("--per-run") ? Metering.PerRun : Metering.Leases;
var tenants = args.FirstOrDefault(a => a.StartsWith("--tenants=", StringComparison.Ordinal)) is { } t ? int.Parse(t[10..], CultureInfo.InvariantCulture) : 10;
var phase = TimeSpan.FromSeconds(quick ? 5 : 15);
var step = TimeSpan.FromSeconds(quick ? 3 : 6);
double[] searchRates = quick ? [100, 300, 500] : [100, 200, 300, 400, 500, 600, 800, 1000];

void Say(string s) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {s}");

await using var stack = await BenchStack.StartAsync(logs, metering, tenants, s => Say("starting " + s));
var processes = new List<ProcessStats>
{
    new("gateway", stack.Gateway.ProcessId, tree: false),
    new("runner", stack.Runner.ProcessId, tree: false),
    new("control-plane", stack.ControlPlane.ProcessId, tree: false),
    new("langflow-sim", stack.Langflow.ProcessId, tree: false),
    new("postgresql", PostmasterPid(stack.Postgres.DataDir), tree: true),
    new("load driver", Environment.ProcessId, tree: false),
};
var driver = new LoadDriver(processes);
using var targets = new Targets(stack, await stack.Identity.ClientTokenAsync("cmp-gateway"));
var balanceBefore = await stack.BalanceAsync();
var gatewayRuns = 0L;
var ledgerCommits = 0L;   // the ledger phases charge the bench tenants too

async Task<Phase> Run(string target, double rate, TimeSpan duration)
{
    await stack.ResetSimulatorAsync();
    Say($"{target} at {rate:0}/s for {duration.TotalSeconds:0} s");
    Func<int, Task<(bool, string?)>> send = target switch
    {
        "gateway" => targets.GatewayAsync,
        "runner" => targets.RunnerAsync,
        "ledger" => targets.LedgerAsync,
        _ => targets.DirectAsync,
    };
    var result = await driver.RunAsync(target, rate, duration, send);
    if (target == "gateway") gatewayRuns += result.Ok;
    if (target == "ledger") ledgerCommits += result.Ok;
    Say($"  ok {result.Ok}/{result.Sent}, p50 {Ms(result.Service.Percentile(50))}, p99 {Ms(result.Service.Percentile(99))}" +
        (result.Errors > 0 ? $", {result.Errors} errors (first: {result.FirstError})" : ""));
    return result;
}

if (args.Contains("--probe"))
{
    foreach (var target in new[] { "gateway", "direct", "gateway", "direct" })
    {
        var h = new LatencyHistogram();
        for (var i = 0; i < 200; i++)
        {
            var t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            var (ok, err) = target == "gateway" ? await targets.GatewayAsync(i) : await targets.DirectAsync(i);
            if (!ok) Say(err!);
            h.Record(System.Diagnostics.Stopwatch.GetElapsedTime(t0));
        }
        Say($"sequential {target}: p50 {Ms(h.Percentile(50))} p90 {Ms(h.Percentile(90))} p99 {Ms(h.Percentile(99))}");
    }
    if (logs) Console.WriteLine(stack.Gateway.Output + "\n" + stack.Runner.Output);
    return 0;
}

// --trace=<dotnet-trace path>: warm up, then sample the gateway's CPU for 15 s at 200 runs/s (for "where the time goes").
if (args.FirstOrDefault(a => a.StartsWith("--trace=", StringComparison.Ordinal)) is { } traceArg)
{
    foreach (var rate in new double[] { 10, 50, 100, 200 }) await Run("gateway", rate, TimeSpan.FromSeconds(4));
    foreach (var (name, pid) in new[] { ("gateway", stack.Gateway.ProcessId), ("control-plane", stack.ControlPlane.ProcessId), ("runner", stack.Runner.ProcessId) })
    {
        var output = Path.Combine(RepoPaths.Root, ".cmp", "bench", $"{name}.nettrace");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        using var tracer = System.Diagnostics.Process.Start(traceArg["--trace=".Length..],
            ["collect", "-p", pid.ToString(CultureInfo.InvariantCulture), "--profile", "dotnet-sampled-thread-time", "--duration", "00:00:00:12", "-o", output]);
        await Task.Delay(2000);
        await Run("gateway", 200, TimeSpan.FromSeconds(10));
        await tracer!.WaitForExitAsync();
        Say($"trace of {name}: {output}");
    }
    return 0;
}

Say("warming up (JIT, connection pools, caches), ramping up so a cold process is not flooded");
foreach (var rate in new double[] { 10, 50, 100, 200 }) await Run("gateway", rate, TimeSpan.FromSeconds(quick ? 2 : 4));
await Run("direct", 200, TimeSpan.FromSeconds(3));
var loadBefore = LoadAverage();

var pairs = new List<(Phase Direct, Phase Gateway)>();
var shares = new List<(Phase Runner, Phase? Ledger)>();
double[] fixedRates = args.FirstOrDefault(a => a.StartsWith("--rates=", StringComparison.Ordinal)) is { } r
    ? r[8..].Split(',').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray()
    : [200, 500];
foreach (var rate in fixedRates)
{
    pairs.Add((await Run("direct", rate, phase), await Run("gateway", rate, phase)));
    // The gateway's dependencies alone, at the same rate: what part of the added latency is theirs. With credit
    // leases a run makes no ledger call (a lease is reserved and committed about once a second per tenant).
    shares.Add((await Run("runner", rate, phase), metering == Metering.Leases ? null : await Run("ledger", rate, phase)));
}

var search = new List<Phase>();
foreach (var rate in searchRates)
{
    var p = await Run("gateway", rate, step);
    search.Add(p);
    if (!Sustained(p)) break;
}
Say("waiting for every run's charge to be settled");
(long Committed, long Pending) records = default;
for (var deadline = DateTime.UtcNow.AddSeconds(90); DateTime.UtcNow < deadline; await Task.Delay(1000))
    if ((records = await stack.GatewayChargesAsync()).Pending == 0) break;
var balanceAfter = await stack.BalanceAsync();
var leases = metering == Metering.Leases ? await stack.LeasesAsync() : (long?)null;

var report = Report(pairs, shares, search, processes, balanceBefore - balanceAfter - ledgerCommits, records, gatewayRuns, leases, tenants, quick, logs, metering, loadBefore, LoadAverage());
Console.WriteLine();
Console.WriteLine(report);
var dir = Path.Combine(RepoPaths.Root, ".cmp", "bench");
Directory.CreateDirectory(dir);
var file = Path.Combine(dir, metering switch
{
    Metering.PerRun => "gateway-latest-per-run.md",
    Metering.PerRunSettledAfter => "gateway-latest-settle-after.md",
    _ => "gateway-latest.md",
});
await File.WriteAllTextAsync(file, report);
Say($"report written to {file}");
return 0;

// A rate is sustained when every run succeeded, completions kept up with the offered rate, and no backlog built up.
static bool Sustained(Phase p) =>
    p.Errors == 0 && p.CompletedRate >= 0.97 * p.OfferedRate && p.FromSchedule.Percentile(99) < TimeSpan.FromMilliseconds(100);

static string Ms(TimeSpan t) => (t.TotalMilliseconds).ToString("0.00", CultureInfo.InvariantCulture) + " ms";

static int PostmasterPid(string dataDir) =>
    int.Parse(File.ReadLines(Path.Combine(dataDir, "postmaster.pid")).First(), CultureInfo.InvariantCulture);

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

static string Report(List<(Phase Direct, Phase Gateway)> pairs, List<(Phase Runner, Phase? Ledger)> shares, List<Phase> search, List<ProcessStats> processes, long charged,
    (long Committed, long Pending) records, long runs, long? leases, int tenants, bool quick, bool logs, Metering metering, string loadBefore, string loadAfter)
{
    var c = CultureInfo.InvariantCulture;
    string F(double v) => v.ToString("0.00", c);
    string M(TimeSpan t) => F(t.TotalMilliseconds);
    var sb = new StringBuilder();
    sb.AppendLine($"## Gateway benchmark ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {(quick ? "quick" : "full")} run{(logs ? ", per-run logs on" : "")}{metering switch
    {
        Metering.Leases => ", credit leases (Runs:CreditLeases=true)",
        Metering.PerRun => ", a reservation per run",
        _ => ", a reservation per run settled after the answer (Runs:SettleBeforeResponse=false)",
    }}, {tenants} tenant(s))");
    sb.AppendLine();
    sb.AppendLine($"Machine load average (1/5/15 min) before the measured phases: {loadBefore}; after: {loadAfter}. Everything else on the machine competes for the same cores.");
    sb.AppendLine();
    sb.AppendLine($"Same run (one new conversation each, customer-support flow on the Langflow simulator), open-loop at fixed rates, {tenants} tenant(s) taking turns (each with its own instance and key).");
    sb.AppendLine("*direct*: client → Langflow simulator. *gateway*: client → gateway (API key, rate limits, instance check,");
    sb.AppendLine(metering == Metering.Leases
        ? "draw on the tenant's credit lease, run record, runner, outcome record; the lease is reserved and committed in the ledger about once per second per tenant)"
        : "reserve, run record, runner, outcome record, commit)");
    sb.AppendLine("→ runner → Langflow simulator. Latency from the actual send; `sched p99` counts from the due time.");
    sb.AppendLine();
    sb.AppendLine("| rate | direct p50 | direct p99 | gateway p50 | gateway p99 | added p50 | added p99 | ratio p50 | ratio p99 | gateway sched p99 | errors |");
    sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
    foreach (var (d, g) in pairs)
    {
        TimeSpan d50 = d.Service.Percentile(50), d99 = d.Service.Percentile(99), g50 = g.Service.Percentile(50), g99 = g.Service.Percentile(99);
        sb.AppendLine($"| {g.OfferedRate:0}/s | {M(d50)} ms | {M(d99)} ms | {M(g50)} ms | {M(g99)} ms | **{M(g50 - d50)} ms** | **{M(g99 - d99)} ms** | " +
                      $"{F(g50 / d50)}× | {F(g99 / d99)}× | {M(g.FromSchedule.Percentile(99))} ms | {d.Errors + g.Errors} |");
    }
    sb.AppendLine();
    sb.AppendLine("The gateway's dependencies alone at the same rates (*runner*: client → runner → Langflow simulator, the runner's share is runner − direct;");
    sb.AppendLine("*ledger*: client → control plane reserve, then commit, as every metered run does):");
    sb.AppendLine();
    sb.AppendLine("| rate | runner p50 | runner p99 | runner − direct p50 | ledger (reserve + commit) p50 | ledger p99 | gateway's own p50 (gateway − runner − ledger) | errors |");
    sb.AppendLine("|---|---|---|---|---|---|---|---|");
    for (var i = 0; i < shares.Count; i++)
    {
        var (runner, ledger) = shares[i];
        var (direct, gateway) = pairs[i];
        TimeSpan r50 = runner.Service.Percentile(50), l50 = ledger?.Service.Percentile(50) ?? TimeSpan.Zero;
        sb.AppendLine($"| {runner.OfferedRate:0}/s | {M(r50)} ms | {M(runner.Service.Percentile(99))} ms | {M(r50 - direct.Service.Percentile(50))} ms | " +
                      (ledger is null ? "none per run | — | " : $"{M(l50)} ms | {M(ledger.Service.Percentile(99))} ms | ") +
                      $"{M(gateway.Service.Percentile(50) - r50 - l50)} ms | {runner.Errors + (ledger?.Errors ?? 0)} |");
    }
    sb.AppendLine();
    sb.AppendLine("Throughput search (gateway only, each step held for the step duration; sustained = no errors, ≥ 97 % of the rate completed, sched p99 < 100 ms):");
    sb.AppendLine();
    sb.AppendLine("| offered | completed/s | p50 | p99 | sched p99 | errors | sustained |");
    sb.AppendLine("|---|---|---|---|---|---|---|");
    foreach (var p in search)
        sb.AppendLine($"| {p.OfferedRate:0}/s | {p.CompletedRate:0} | {M(p.Service.Percentile(50))} ms | {M(p.Service.Percentile(99))} ms | {M(p.FromSchedule.Percentile(99))} ms | {p.Errors} | {(Sustained(p) ? "yes" : "no")} |");
    var best = search.Where(Sustained).Select(p => p.OfferedRate).DefaultIfEmpty(0).Max();
    sb.AppendLine();
    sb.AppendLine($"**Highest sustained metered throughput: {best:0} runs/s.**");
    sb.AppendLine();
    sb.AppendLine($"Ledger check: the control plane's balances dropped by {charged} credits; the gateway's run records say {records.Committed} were committed " +
                  $"({records.Pending} settlements still pending); {runs} runs answered 200 to the load driver (runs whose caller timed out after they finished are charged too)." +
                  (charged == records.Committed && records.Pending == 0 ? " Ledger and run records agree." : " **Ledger and run records disagree.**") +
                  (leases is { } n ? $" The gateway opened {n} credit leases for them: {(double)n / Math.Max(runs, 1):0.0000} ledger reserve+commit pairs per run." : ""));
    sb.AppendLine();
    sb.AppendLine($"Where the time goes: CPU per run, by process (µs), at {pairs.Last().Gateway.OfferedRate:0}/s:");
    sb.AppendLine();
    var at500 = pairs.Last();
    sb.AppendLine("| process | direct | gateway | peak RSS |");
    sb.AppendLine("|---|---|---|---|");
    foreach (var p in processes)
        sb.AppendLine($"| {p.Name} | {at500.Direct.CpuPerRequest(p.Name).TotalMicroseconds:0} | {at500.Gateway.CpuPerRequest(p.Name).TotalMicroseconds:0} | {p.PeakRssMb():0} MiB |");
    var total = processes.Sum(p => at500.Gateway.CpuPerRequest(p.Name).TotalMicroseconds);
    sb.AppendLine($"| **all** | {processes.Sum(p => at500.Direct.CpuPerRequest(p.Name).TotalMicroseconds):0} | {total:0} | |");
    return sb.ToString();
}
