using System.Diagnostics;
using Cmp.Testing;

namespace Cmp.Deploy.Tests.Tooling;

/// <summary>The command-line tools these tests drive: helm and the reference pack's Node validator.</summary>
public static class Tools
{
    public sealed record Run(int ExitCode, string Stdout, string Stderr)
    {
        public string Output => Stdout + Stderr;
    }

    /// <summary><c>HELM</c>, else <c>tools/bin/helm</c> (<c>make deps</c>/<c>.ci/run</c> put it there), else PATH.</summary>
    public static string Helm { get; } = FindHelm();

    static string FindHelm()
    {
        if (Environment.GetEnvironmentVariable("HELM") is { Length: > 0 } env) return env;
        var local = Path.Combine(RepoPaths.Root, "tools", "bin", "helm");
        if (File.Exists(local)) return local;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
            if (File.Exists(Path.Combine(dir, "helm"))) return Path.Combine(dir, "helm");
        throw new InvalidOperationException(
            "helm is not installed: run `make test` (it fetches tools/bin/helm with ../shared/reference/k8s/get-helm.sh) or set HELM.");
    }

    public static Run Exec(string file, IEnumerable<string> args, IDictionary<string, string>? env = null, string? cwd = null, string? stdin = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            WorkingDirectory = cwd ?? RepoPaths.Root,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            p.StandardInput.Write(stdin);
            p.StandardInput.Close();
        }
        if (!p.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in 3 minutes");
        }
        return new Run(p.ExitCode, stdout.Result, stderr.Result);
    }

    public static Run HelmRun(params string[] args) => Exec(Helm, args);

    static readonly Lazy<string> Dependencies = new(BuildDependencies);

    /// <summary>
    /// <c>helm dependency build charts/cmp</c>, once per test run: exactly what Argo CD does with the umbrella (one level
    /// of file:// dependencies, verified against Chart.lock — an out-of-date lock fails here).
    /// </summary>
    public static void EnsureUmbrellaDependencies() => _ = Dependencies.Value;

    static string BuildDependencies()
    {
        var r = HelmRun("dependency", "build", Path.Combine(RepoPaths.Root, "charts", "cmp"));
        if (r.ExitCode != 0) throw new InvalidOperationException($"helm dependency build charts/cmp failed:\n{r.Output}");
        return r.Stdout;
    }

    /// <summary>The reference pack's offline validator (<c>k8s/k8s-validate.mjs</c>), read in place.</summary>
    public static string ValidatorScript => RepoPaths.RequireReference(Path.Combine("k8s", "k8s-validate.mjs"));

    public static string ReferenceK8s => RepoPaths.RequireReference("k8s");

    static string ValidatorModules
    {
        get
        {
            var dir = Path.Combine(RepoPaths.Root, "tests", "Cmp.Deploy.Tests");
            if (!Directory.Exists(Path.Combine(dir, "node_modules", "ajv")))
                throw new InvalidOperationException($"{dir}/node_modules is missing: run `make deps` (npm ci) first.");
            return dir;
        }
    }

    public sealed record Validation(int Passed, int Failed, string Output);

    /// <summary>Validates YAML (files, or <paramref name="yaml"/> on stdin) against the Kubernetes 1.34 schemas, Argo CD's CRDs
    /// and the given CRDs. Custom resources are strict: unknown fields fail.</summary>
    public static Validation Validate(string? yaml = null, IEnumerable<string>? files = null, IEnumerable<string>? crds = null)
    {
        var args = new List<string> { ValidatorScript, "--quiet" };
        foreach (var c in crds ?? []) args.AddRange(["--crds", c]);
        args.AddRange(files ?? ["-"]);
        var r = Exec("node", args, new Dictionary<string, string> { ["K8S_VALIDATE_MODULES"] = ValidatorModules }, stdin: yaml);
        var last = r.Stdout.TrimEnd().Split('\n').LastOrDefault() ?? "";
        var m = System.Text.RegularExpressions.Regex.Match(last, @"^(\d+) passed, (\d+) failed$");
        if (!m.Success) throw new InvalidOperationException($"The validator did not report a summary (exit {r.ExitCode}):\n{r.Output}");
        return new Validation(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), r.Output);
    }
}
