using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace Cmp.Testing.Simulators;

/// <summary>
/// A simulator (or any test-equipment server) running as a child process. It is started on a free port and is
/// ready when it prints <c>{"msg":"listening","url":"…"}</c> on stdout. Its last output lines are kept for failure messages.
/// </summary>
public sealed class SimulatorProcess : IAsyncDisposable
{
    readonly Process _process;
    readonly ConcurrentQueue<string> _tail = new();

    SimulatorProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }
    public Uri Url { get; private set; } = null!;
    public int ProcessId => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the process wrote (stdout and stderr).</summary>
    public string Output => string.Join(Environment.NewLine, _tail);

    /// <summary>Starts <c>node tests/simulators/&lt;name&gt;/server.mjs</c> with PORT=0 unless the environment says otherwise.</summary>
    public static Task<SimulatorProcess> StartNodeAsync(string name, IDictionary<string, string?>? env = null, TimeSpan? timeout = null)
    {
        var dir = Path.Combine(RepoPaths.Root, "tests", "simulators", name);
        if (!Directory.Exists(Path.Combine(dir, "node_modules")) && HasDependencies(Path.Combine(dir, "package.json")))
            throw new InvalidOperationException($"{dir}/node_modules is missing: run 'make deps' (npm ci) first.");
        var psi = new ProcessStartInfo("node", [Path.Combine(dir, "server.mjs")]) { WorkingDirectory = dir };
        psi.Environment["HOST"] = "127.0.0.1";
        psi.Environment["PORT"] = "0";
        foreach (var (k, v) in env ?? new Dictionary<string, string?>()) psi.Environment[k] = v;
        return StartAsync(name, psi, timeout);
    }

    static bool HasDependencies(string packageJson)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(packageJson));
        return doc.RootElement.TryGetProperty("dependencies", out var deps) && deps.EnumerateObject().Any();
    }

    public static async Task<SimulatorProcess> StartAsync(string name, ProcessStartInfo psi, TimeSpan? timeout = null)
    {
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var sim = new SimulatorProcess(name, process);
        var ready = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            sim.Remember(e.Data);
            if (TryReadListening(e.Data) is { } url) ready.TrySetResult(url);
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) sim.Remember(e.Data); };
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException(
            $"{name} exited with code {SafeExitCode(process)} before listening:{Environment.NewLine}{sim.Output}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            sim.Url = await ready.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            await sim.DisposeAsync();
            throw new TimeoutException($"{name} did not report listening in time:{Environment.NewLine}{sim.Output}");
        }
        return sim;
    }

    static Uri? TryReadListening(string line)
    {
        if (!line.Contains("\"listening\"", StringComparison.Ordinal)) return null;
        try
        {
            using var doc = JsonDocument.Parse(line);
            return doc.RootElement.TryGetProperty("url", out var url) && url.GetString() is { } u ? new Uri(u) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    void Remember(string line)
    {
        _tail.Enqueue(line);
        while (_tail.Count > 200) _tail.TryDequeue(out _);
    }

    static string SafeExitCode(Process p)
    {
        try { return p.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture); }
        catch (InvalidOperationException) { return "?"; }
    }

    /// <summary>Kills the process at once (like a crash), without a graceful shutdown.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        try { await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)); }
        catch (TimeoutException) { }
        _process.Dispose();
    }
}
