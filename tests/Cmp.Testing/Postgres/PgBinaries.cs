using System.Diagnostics;

namespace Cmp.Testing.Postgres;

/// <summary>
/// Finds and runs the local PostgreSQL server binaries: <c>PG_BIN</c>, then <c>PATH</c>, then the newest
/// <c>/usr/lib/postgresql/*/bin</c>. PostgreSQL refuses to run as root, so as root every command runs as the
/// <c>postgres</c> user through <c>runuser</c>.
/// </summary>
public static class PgBinaries
{
    static readonly Lazy<string> BinDir = new(Resolve);

    public static bool AsRoot => Environment.IsPrivilegedProcess;

    public static string Path(string tool) => System.IO.Path.Combine(BinDir.Value, tool);

    static string Resolve()
    {
        if (Environment.GetEnvironmentVariable("PG_BIN") is { Length: > 0 } env)
            return File.Exists(System.IO.Path.Combine(env, "initdb")) ? env
                : throw new InvalidOperationException($"PG_BIN={env} holds no initdb.");
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            if (File.Exists(System.IO.Path.Combine(dir, "initdb")) && File.Exists(System.IO.Path.Combine(dir, "pg_ctl"))) return dir;
        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => System.IO.Path.Combine(d, "bin"))
                .Where(d => File.Exists(System.IO.Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        return installed ?? throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) not found: set PG_BIN, put them on PATH, or install postgresql (Debian: apt-get install postgresql).");
    }

    /// <summary>Runs a PostgreSQL tool (as the postgres user when we are root) and returns its output; throws on failure.</summary>
    public static async Task<string> RunAsync(string tool, IEnumerable<string> args, string workingDirectory, CancellationToken ct = default)
    {
        var psi = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,   // postgres cannot read /root, so never inherit it
        };
        if (AsRoot)
        {
            psi.FileName = "runuser";
            foreach (var a in new[] { "-u", "postgres", "--", Path(tool) }) psi.ArgumentList.Add(a);
        }
        else
        {
            psi.FileName = Path(tool);
        }
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {tool}.");
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        var output = await stdout + await stderr;
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{tool} {string.Join(' ', psi.ArgumentList)} failed ({p.ExitCode}): {output}");
        return output;
    }

    /// <summary>As root, hands a directory to the postgres user (it must own its data directory).</summary>
    public static async Task ChownToPostgresAsync(string dir)
    {
        if (!AsRoot) return;
        using var p = Process.Start(new ProcessStartInfo("chown", ["-R", "postgres:postgres", dir]) { RedirectStandardError = true })!;
        var err = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"chown postgres {dir} failed: {err}. Is there a 'postgres' user? (Debian's postgresql package creates it.)");
    }
}
