using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cmp.Deploy.Tests.Tooling;
using Cmp.Testing;
using Cmp.Testing.Hosting;
using static Cmp.Deploy.Tests.Tooling.Manifests;

namespace Cmp.Deploy.Tests.Charts;

/// <summary>
/// Each service started the way its pod starts it: the built assembly, the rendered Deployment's environment (the
/// ConfigMap, the chart's Secret, Kubernetes' $(VAR) expansion; Secrets the chart does not own get stand-in values),
/// ASPNETCORE_HTTP_PORTS as the only listen setting. It must pass its startup validation, answer /healthz on that port,
/// serve /readyz (503 is fine: Keycloak, PostgreSQL and the other services are not there) and stop cleanly on SIGTERM.
/// </summary>
public sealed partial class ServiceBootTests
{
    static readonly Lazy<Manifests> KindRender = new(Render.Kind);

    public static TheoryData<string> Services() => new(ServiceInfo.All.Select(s => s.Folder));

    [Theory]
    [MemberData(nameof(Services))]
    public async Task The_service_starts_with_its_chart_configuration_and_answers_its_probes(string folder)
    {
        var s = ServiceInfo.Get(folder);
        var port = FreePort.Next();
        var env = PodEnvironment(KindRender.Value, $"cmp-{folder}");
        env["ASPNETCORE_HTTP_PORTS"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        using var process = Start(ServiceProcess.Dll(folder, s.Assembly), env, out var output);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };   // /readyz waits for dependency checks to time out
            await Poller.UntilAsync(async () =>
            {
                if (process.HasExited) throw new InvalidOperationException($"{folder} exited with {process.ExitCode}:\n{Tail(output)}");
                return (await http.GetAsync("/healthz")).StatusCode == HttpStatusCode.OK;
            }, $"{folder} to answer /healthz on port {port} (ASPNETCORE_HTTP_PORTS)", TimeSpan.FromSeconds(60));

            var ready = await http.GetAsync("/readyz");
            ready.StatusCode.Should().BeOneOf([HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable], "/readyz exists and reports dependencies");

            Signal(process.Id, 15);
            var exited = await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20)).ContinueWith(t => t.IsCompletedSuccessfully);
            exited.Should().BeTrue("SIGTERM stops the service well within terminationGracePeriodSeconds");
            process.ExitCode.Should().Be(0, Tail(output));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    /// <summary>The container's environment as the kubelet would build it from the rendered manifests.</summary>
    static Dictionary<string, string> PodEnvironment(Manifests m, string deployment)
    {
        var container = m.Single("Deployment", deployment)["spec"]!["template"]!["spec"]!["containers"]![0]!;
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var from in container["envFrom"]?.AsArray() ?? [])
            if (from!["configMapRef"] is { } cmRef)
                foreach (var (k, v) in m.Single("ConfigMap", Str(cmRef["name"]))["data"]!.AsObject()) env[k] = Str(v);
        foreach (var e in container["env"]!.AsArray())
        {
            var name = Str(e!["name"]);
            if (e["value"] is { } value) env[name] = Expand(Str(value), env);
            else if (e["valueFrom"]!["secretKeyRef"] is { } secretRef) env[name] = SecretValue(m, Str(secretRef["name"]), Str(secretRef["key"]));
            else if (e["valueFrom"]!["fieldRef"] is not null) env[name] = name == "POD_NAMESPACE" ? "cmp" : "cmp-pod-0";
        }
        return env;
    }

    /// <summary>Kubernetes expands $(VAR) from variables defined earlier in the list.</summary>
    static string Expand(string value, Dictionary<string, string> env) =>
        VarReference().Replace(value, m => env.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value);

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex VarReference();

    static string SecretValue(Manifests m, string secret, string key)
    {
        var owned = m.OfKind("Secret").FirstOrDefault(s => Str(s["metadata"]!["name"]) == secret);
        if (owned is not null)
            return owned["stringData"]?[key] is { } plain ? Str(plain)
                : Encoding.UTF8.GetString(Convert.FromBase64String(Str(owned["data"]![key])));
        // A Secret from outside the chart (CloudNativePG's, an existingSecret): plausible stand-ins.
        return key switch { "port" => "5432", "host" => "127.0.0.1", _ => $"stand-in-{secret}-{key}" };
    }

    static Process Start(string dll, Dictionary<string, string> env, out StringBuilder output)
    {
        var psi = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var key in new[] { "ASPNETCORE_URLS", "Urls", "DOTNET_ENVIRONMENT", "ASPNETCORE_ENVIRONMENT" }) psi.Environment.Remove(key);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        var log = new StringBuilder();
        output = log;
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    static string Tail(StringBuilder log)
    {
        lock (log) return string.Join('\n', log.ToString().Split('\n').TakeLast(40));
    }

    static void Signal(int pid, int signal)
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) _ = SysKill(pid, signal);
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);
}
