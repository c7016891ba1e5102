using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Cmp.Testing.Hosting;

/// <summary>
/// A CMP service (or any ASP.NET Core app) run as a separate process, as in production: used where a test must
/// kill a process mid-flight, and by the dev launcher. Ready when <c>/healthz</c> answers 200.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    readonly Process? _raw;

    ServiceProcess(string name, Uri url, Process raw, List<string> output)
    {
        Name = name;
        Url = url;
        _raw = raw;
        _output = output;
    }

    readonly List<string> _output;

    public string Name { get; }
    public Uri Url { get; }
    public int ProcessId => _raw!.Id;
    public bool HasExited => _raw!.HasExited;
    public string Output { get { lock (_output) return string.Join(Environment.NewLine, _output.TakeLast(200)); } }

    /// <summary>The built DLL of a service project, e.g. <c>Dll("control-plane", "Cmp.ControlPlane")</c>.</summary>
    public static string Dll(string folder, string assembly)
    {
        var bin = Path.Combine(RepoPaths.Root, "services", folder, "bin");
        var candidates = Directory.Exists(bin)
            ? Directory.GetFiles(bin, assembly + ".dll", SearchOption.AllDirectories).Where(p => !p.Contains("/ref/", StringComparison.Ordinal))
            : [];
        return candidates.OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
               ?? throw new InvalidOperationException($"{assembly}.dll not built under {bin}: run 'make build' first.");
    }

    /// <summary>Runs a service's command (e.g. <c>migrate</c>) to completion with settings given as configuration keys
    /// (<c>Section:Key</c>, passed as <c>Section__Key</c>), as a Helm hook or init container would; returns the exit
    /// code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunCommandAsync(string dll, string[] args,
        IEnumerable<KeyValuePair<string, string?>> settings, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo("dotnet", [dll, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (k, v) in settings) psi.Environment[k.Replace(":", "__", StringComparison.Ordinal)] = v;
        psi.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {dll}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(timeout ?? TimeSpan.FromSeconds(60));
        return (process.ExitCode, await stdout + await stderr);
    }

    public static async Task<ServiceProcess> StartAsync(string name, string dll, Uri url, IDictionary<string, string?> env,
        TimeSpan? timeout = null, CancellationToken ct = default)
    {
        var psi = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        psi.Environment["ASPNETCORE_URLS"] = url.ToString().TrimEnd('/');
        psi.Environment["Urls"] = url.ToString().TrimEnd('/');
        foreach (var (k, v) in env) psi.Environment[k] = v;
        var output = new List<string>();
        var process = new Process { StartInfo = psi };
        void Keep(string? line)
        {
            if (line is null) return;
            lock (output) { output.Add(line); if (output.Count > 2000) output.RemoveRange(0, 1000); }
        }
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var service = new ServiceProcess(name, url, process, output);
        try
        {
            using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(2) };
            await Poller.UntilAsync(async () =>
            {
                if (process.HasExited) throw new InvalidOperationException($"{name} exited with {process.ExitCode}:\n{service.Output}");
                using var r = await http.GetAsync("/healthz", ct);
                return r.IsSuccessStatusCode;
            }, $"{name} to answer /healthz on {url}", timeout ?? TimeSpan.FromSeconds(60));
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
        return service;
    }

    /// <summary>Ends the process at once, as a crash or an OOM kill would.</summary>
    public void Kill()
    {
        try { if (!_raw!.HasExited) _raw.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
    }

    /// <summary>Asks for a graceful shutdown (SIGTERM, like Kubernetes) and waits; kills after the grace period.</summary>
    public async Task StopAsync(TimeSpan? grace = null)
    {
        if (_raw is null || _raw.HasExited) return;
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) _ = SysKill(_raw.Id, 15);
        try { await _raw.WaitForExitAsync().WaitAsync(grace ?? TimeSpan.FromSeconds(10)); }
        catch (TimeoutException) { Kill(); }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    static extern int SysKill(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _raw?.Dispose();
    }
}
