using System.Diagnostics;
using System.Text.Json;
using Cmp.Primitives;

namespace Cmp.Kubernetes.Config;

/// <summary>Supplies the bearer token; <see cref="Invalidate"/> after a 401 makes the next call fetch a fresh one.</summary>
public interface ITokenSource
{
    ValueTask<Result<string>> GetTokenAsync(CancellationToken ct);
    void Invalidate();
}

/// <summary>A token written in the kubeconfig.</summary>
public sealed class StaticTokenSource(string token) : ITokenSource
{
    public ValueTask<Result<string>> GetTokenAsync(CancellationToken ct) => ValueTask.FromResult<Result<string>>(token);
    public void Invalidate() { }
}

/// <summary>
/// A token read from a file and re-read periodically: the kubelet rotates projected service-account tokens
/// (about hourly) and client-go re-reads the file every minute, so does this.
/// </summary>
public sealed class FileTokenSource(string path, TimeProvider clock, TimeSpan? refresh = null) : ITokenSource
{
    readonly TimeSpan _refresh = refresh ?? TimeSpan.FromMinutes(1);
    (string Token, DateTimeOffset ReadAt)? _cached;

    public string Path => path;

    public async ValueTask<Result<string>> GetTokenAsync(CancellationToken ct)
    {
        if (_cached is { } c && clock.GetUtcNow() - c.ReadAt < _refresh) return c.Token;
        try
        {
            var token = (await File.ReadAllTextAsync(path, ct)).Trim();
            if (token.Length == 0) return Error.Permanent("kube_token_empty", $"The token file {path} is empty.");
            _cached = (token, clock.GetUtcNow());
            return token;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Error.Permanent("kube_token_unreadable", $"Cannot read the token file {path}: {e.Message}");
        }
    }

    public void Invalidate() => _cached = null;
}

/// <summary>
/// A client-go exec credential plugin (<c>users[].user.exec</c>; e.g. <c>aws eks get-token</c>,
/// <c>gke-gcloud-auth-plugin</c>, <c>kubelogin</c>): runs the command, reads an <c>ExecCredential</c> from stdout, and
/// caches <c>status.token</c> until <c>status.expirationTimestamp</c>.
/// </summary>
public sealed class ExecTokenSource(ExecConfig exec, string workingDirectory, TimeProvider clock) : ITokenSource
{
    readonly SemaphoreSlim _gate = new(1, 1);
    (string Token, DateTimeOffset? Expires)? _cached;

    public async ValueTask<Result<string>> GetTokenAsync(CancellationToken ct)
    {
        if (Valid() is { } token) return token;
        await _gate.WaitAsync(ct);
        try
        {
            if (Valid() is { } again) return again;
            var fetched = await RunAsync(ct);
            if (fetched.IsSuccess) _cached = fetched.Value;
            return fetched.Map(f => f.Token);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Invalidate() => _cached = null;

    string? Valid() => _cached is { } c && (c.Expires is null || clock.GetUtcNow() < c.Expires.Value - TimeSpan.FromSeconds(10)) ? c.Token : null;

    async Task<Result<(string Token, DateTimeOffset? Expires)>> RunAsync(CancellationToken ct)
    {
        var psi = new ProcessStartInfo(exec.Command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var a in exec.Args ?? []) psi.ArgumentList.Add(a);
        foreach (var e in exec.Env ?? []) psi.Environment[e.Name] = e.Value;
        // The plugin learns what we expect from KUBERNETES_EXEC_INFO (client.authentication.k8s.io).
        psi.Environment["KUBERNETES_EXEC_INFO"] = JsonSerializer.Serialize(new
        {
            apiVersion = exec.ApiVersion ?? "client.authentication.k8s.io/v1",
            kind = "ExecCredential",
            spec = new { interactive = false },
        });
        try
        {
            using var process = Process.Start(psi)!;
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            if (process.ExitCode != 0)
                return Error.Permanent("kube_exec_failed", $"The credential plugin '{exec.Command}' exited with {process.ExitCode}: {(await stderr).Trim()}");
            using var doc = JsonDocument.Parse(await stdout);
            var status = doc.RootElement.GetProperty("status");
            var token = status.TryGetProperty("token", out var t) ? t.GetString() : null;
            if (string.IsNullOrEmpty(token))
                return Error.Permanent("kube_exec_no_token", $"The credential plugin '{exec.Command}' returned no status.token (client certificates from plugins are not supported).");
            DateTimeOffset? expires = status.TryGetProperty("expirationTimestamp", out var x) && x.GetString() is { } s
                ? DateTimeOffset.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : null;
            return (token, expires);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return Error.Permanent("kube_exec_failed", $"The credential plugin '{exec.Command}' could not be run or returned bad output: {e.Message}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Error.Transient("kube_exec_timeout", $"The credential plugin '{exec.Command}' did not answer within 60 s.");
        }
    }
}
