using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cmp.Testing;
using Cmp.Testing.Hosting;
using Cmp.Testing.Simulators;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cmp.Runner.Tests.Support;

/// <summary>
/// One test class's world: the Langflow simulator (a real node process on loopback), the identity server, and the
/// runner on real Kestrel configured to use both, with its logs captured. The example agent flow is imported through
/// the runner's own API. Subclasses change the runner's settings (short timeouts, fast heartbeats).
/// </summary>
public class RunnerHarness : IAsyncLifetime
{
    /// <summary>A key unique enough that finding it in a log line can only mean a leak.</summary>
    public const string ApiKey = "sk-runner-test-5b1c9e7d2a4f";

    public const string AgentFlowId = "5f0c3a8e-2b71-4d9a-9c3e-7a1b2c3d4e5f";
    public const string AgentEndpoint = "cmp-agent";

    readonly IdentityFixture _identity = new();
    string? _serviceToken;

    public SimulatorProcess Langflow { get; private set; } = null!;
    public ServiceFactory<Program> Runner { get; private set; } = null!;
    public LogCapture Logs { get; } = new();
    public HttpClient Sim { get; private set; } = null!;
    public IdentityFixture Identity => _identity;

    /// <summary>Runner settings on top of the defaults below.</summary>
    protected virtual Dictionary<string, string?> Overrides() => [];

    public async ValueTask InitializeAsync()
    {
        var sim = SimulatorProcess.StartNodeAsync("langflow", new Dictionary<string, string?>
        {
            ["LANGFLOW_API_KEYS"] = ApiKey,
            ["LOG_LEVEL"] = "silent",
        });
        await _identity.InitializeAsync();
        Langflow = await sim;
        Sim = new HttpClient { BaseAddress = Langflow.Url };
        Runner = StartRunner(RunnerSettings(Overrides()));
        using var client = await ServiceClientAsync();
        var put = await client.PutAsync($"/v1/flows/{AgentFlowId}", Json(AgentFlow()));
        if (!put.IsSuccessStatusCode) throw new InvalidOperationException($"Importing the agent flow failed: {await put.Content.ReadAsStringAsync()}");
    }

    /// <summary>The settings the harness runner uses: identity, the simulator, the API key, short retry delays.</summary>
    public Dictionary<string, string?> RunnerSettings(Dictionary<string, string?>? overrides = null)
    {
        var settings = _identity.AuthSettings();
        settings["Http:langflow:BaseAddress"] = Langflow.Url.ToString();
        settings["Http:langflow:BaseDelay"] = "00:00:00.020";
        settings["Langflow:ApiKey"] = ApiKey;
        foreach (var (k, v) in overrides ?? []) settings[k] = v;
        return settings;
    }

    /// <summary>Another runner (e.g. with a wrong key or an unreachable Langflow); the caller disposes it.</summary>
    public ServiceFactory<Program> StartRunner(Dictionary<string, string?> settings, LogCapture? logs = null)
    {
        var capture = logs ?? Logs;
        var runner = new ServiceFactory<Program>(settings, b => b.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(capture)));
        runner.Start();
        return runner;
    }

    public async Task<string> ServiceTokenAsync() => _serviceToken ??= await _identity.ClientTokenAsync("cmp-gateway");

    public async Task<HttpClient> ServiceClientAsync(ServiceFactory<Program>? runner = null) =>
        (runner ?? Runner).CreateHttpClient(await ServiceTokenAsync());

    /// <summary>Disarms every fault and forgets recorded runs and chat memory, so each test starts clean.</summary>
    public async Task ResetSimAsync()
    {
        (await Sim.PostAsJsonAsync("/_sim/reset", new { scope = "faults" })).EnsureSuccessStatusCode();
        (await Sim.PostAsJsonAsync("/_sim/reset", new { scope = "sessions" })).EnsureSuccessStatusCode();
        (await Sim.DeleteAsync("/_sim/runs")).EnsureSuccessStatusCode();
        await Sim.PostAsJsonAsync("/_sim/down", new { mode = "up" });
    }

    public async Task ArmAsync(string knob, object spec) =>
        (await Sim.PostAsJsonAsync($"/_sim/{knob}", spec)).EnsureSuccessStatusCode();

    /// <summary>Every <c>/run</c> the simulator received, as it recorded them (raw headers included).</summary>
    public async Task<List<JsonElement>> RunsAsync()
    {
        var body = await Sim.GetFromJsonAsync<JsonElement>("/_sim/runs");
        return body.GetProperty("runs").EnumerateArray().ToList();
    }

    /// <summary>The example agent flow of the Langflow simulator (Chat Input → Prompt → OpenAI → Chat Output).</summary>
    public static JsonObject AgentFlow() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "simulators", "langflow", "examples", "agent-flow.json")))!.AsObject();

    /// <summary>A copy of the agent flow under another id, name and endpoint, changed by <paramref name="edit"/>.</summary>
    public static JsonObject FlowVariant(string id, string name, Action<JsonObject>? edit = null)
    {
        var flow = AgentFlow();
        flow["id"] = id;
        flow["name"] = name;
        flow["endpoint_name"] = name.ToLowerInvariant().Replace(' ', '-');
        edit?.Invoke(flow);
        return flow;
    }

    /// <summary>Removes the nodes of a type (edges left dangling unless <paramref name="withEdges"/>).</summary>
    public static void RemoveNodes(JsonObject flow, string type, bool withEdges)
    {
        var data = flow["data"]!.AsObject();
        var nodes = data["nodes"]!.AsArray();
        var removed = nodes.Where(n => n!["data"]!["type"]!.GetValue<string>() == type).ToList();
        foreach (var n in removed) nodes.Remove(n);
        if (!withEdges) return;
        var ids = removed.Select(n => n!["id"]!.GetValue<string>()).ToHashSet();
        var edges = data["edges"]!.AsArray();
        foreach (var e in edges.Where(e => ids.Contains(e!["source"]!.GetValue<string>()) || ids.Contains(e!["target"]!.GetValue<string>())).ToList())
            edges.Remove(e);
    }

    public async Task ImportAsync(JsonObject flow)
    {
        using var client = await ServiceClientAsync();
        var put = await client.PutAsync($"/v1/flows/{flow["id"]}", Json(flow));
        if (!put.IsSuccessStatusCode) throw new InvalidOperationException($"Import failed: {await put.Content.ReadAsStringAsync()}");
    }

    public static StringContent Json(object value) =>
        new(value is JsonNode node ? node.ToJsonString() : JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    public async ValueTask DisposeAsync()
    {
        Sim?.Dispose();
        if (Runner is not null) await Runner.DisposeAsync();
        if (Langflow is not null) await Langflow.DisposeAsync();
        await _identity.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
