using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cmp.Testing;

namespace Cmp.AgentCommerce.Tests.Harness;

/// <summary>
/// The official ACP JSON Schemas, read from <c>../shared/reference/acp/</c> at test time and checked by ajv (draft
/// 2020-12) in a node process (tests/mcp-client/acp-schema-validator.mjs). The only in-memory patches are the named
/// ones for the defects acp.md §15 lists; the validator reports them when it starts.
/// </summary>
public sealed class AcpSchemaValidator : IAsyncDisposable
{
    readonly Process _process;
    readonly ConcurrentDictionary<long, TaskCompletionSource<JsonObject>> _pending = new();
    readonly SemaphoreSlim _write = new(1, 1);
    long _next;

    AcpSchemaValidator(Process process) => _process = process;

    public IReadOnlyList<string> Patches { get; private set; } = [];

    public static async Task<AcpSchemaValidator> StartAsync()
    {
        var specDir = RepoPaths.RequireReference(Path.Combine("acp", "spec", "spec"));
        var dir = Path.Combine(RepoPaths.Root, "tests", "mcp-client");
        if (!Directory.Exists(Path.Combine(dir, "node_modules", "ajv")))
            throw new InvalidOperationException($"{dir}/node_modules is missing: run 'make deps' (npm ci) first.");
        var psi = new ProcessStartInfo("node", [Path.Combine(dir, "acp-schema-validator.mjs")])
        {
            WorkingDirectory = dir, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.Environment["CMP_ACP_SPEC_DIR"] = specDir;
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start node");
        var validator = new AcpSchemaValidator(process);
        var ready = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60))
                    ?? throw new InvalidOperationException("the schema validator exited: " + await process.StandardError.ReadToEndAsync());
        var hello = JsonNode.Parse(ready)!.AsObject();
        if (hello["ready"]?.GetValue<bool>() != true) throw new InvalidOperationException("the schema validator did not start: " + ready);
        validator.Patches = hello["patches"]!.AsArray().Select(p => p!.GetValue<string>()).ToArray();
        _ = Task.Run(validator.ReadLoopAsync);
        return validator;
    }

    async Task ReadLoopAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            var reply = JsonNode.Parse(line)!.AsObject();
            if (reply["id"]?.GetValue<long>() is { } id && _pending.TryRemove(id, out var tcs)) tcs.TrySetResult(reply);
        }
        foreach (var tcs in _pending.Values) tcs.TrySetException(new InvalidOperationException("the schema validator exited"));
    }

    /// <summary>Validation errors of <paramref name="instance"/> against <c>&lt;schema&gt;#/$defs/&lt;def&gt;</c> of a version
    /// (schema: agentic_checkout, delegate_payment, feed, webhook); empty when valid.</summary>
    public async Task<IReadOnlyList<string>> ErrorsAsync(string version, string schema, string def, JsonElement instance)
    {
        var id = Interlocked.Increment(ref _next);
        var tcs = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = tcs;
        var request = new JsonObject
        {
            ["id"] = id, ["version"] = version, ["schema"] = schema, ["def"] = def, ["instance"] = JsonNode.Parse(instance.GetRawText()),
        };
        await _write.WaitAsync();
        try { await _process.StandardInput.WriteLineAsync(request.ToJsonString()); await _process.StandardInput.FlushAsync(); }
        finally { _write.Release(); }
        var reply = await tcs.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return reply["valid"]!.GetValue<bool>()
            ? []
            : reply["errors"]!.AsArray().Select(e => $"{e!["path"]}: {e["message"]}{(e["params"] is { } p ? " " + p.ToJsonString() : "")}").ToArray();
    }

    public async Task AssertValidAsync(string version, string schema, string def, JsonElement instance)
    {
        var errors = await ErrorsAsync(version, schema, def, instance);
        if (errors.Count > 0)
            throw new Xunit.Sdk.XunitException($"Not a valid {def} ({schema} {version}):\n  {string.Join("\n  ", errors)}\n{instance}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException) { _process.Kill(); }
        _process.Dispose();
    }
}
