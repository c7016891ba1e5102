using System.Diagnostics;
using System.Net;
using System.Text;

namespace Cmp.Bench.Gateway;

/// <summary>The outcome of one fixed-rate phase.</summary>
public sealed record Phase(
    string Target, double OfferedRate, TimeSpan Duration, long Sent, long Ok, long Errors, string? FirstError,
    LatencyHistogram Service, LatencyHistogram FromSchedule, double CompletedRate, IReadOnlyDictionary<string, TimeSpan> Cpu)
{
    /// <summary>CPU time one request cost a process during this phase.</summary>
    public TimeSpan CpuPerRequest(string process) => Sent == 0 ? TimeSpan.Zero : Cpu[process] / Sent;
}

/// <summary>
/// Open-loop load at a fixed rate (wrk2-style): request i is due at start + i / rate and is sent then, whatever
/// happened to earlier ones, so a slow server meets a growing backlog instead of a politely waiting client. Two
/// latencies are kept: from the actual send (service latency) and from the due time (includes any lag of the driver
/// or backlog; guards against coordinated omission).
/// </summary>
public sealed class LoadDriver(IReadOnlyList<ProcessStats> processes)
{
    public async Task<Phase> RunAsync(string target, double rate, TimeSpan duration, Func<int, Task<(bool Ok, string? Error)>> send)
    {
        var service = new LatencyHistogram();
        var fromSchedule = new LatencyHistogram();
        long ok = 0, errors = 0;
        string? firstError = null;
        var total = (int)Math.Round(rate * duration.TotalSeconds);
        var cpuBefore = processes.ToDictionary(p => p.Name, p => p.CpuTime());
        var inflight = new List<Task>(total);
        var interval = Stopwatch.Frequency / rate;
        var start = Stopwatch.GetTimestamp();
        using var sampler = new Timer(_ => { foreach (var p in processes) p.Sample(); }, null, 0, 500);

        for (var i = 0; i < total; i++)
        {
            var due = start + (long)(i * interval);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            // Never early; a timer tick (~1 ms) late at worst. No spinning: the driver shares the two cores with the services.
            if (wait > TimeSpan.Zero) await Task.Delay(wait);
            var n = i;
            inflight.Add(Task.Run(async () =>
            {
                var sent = Stopwatch.GetTimestamp();
                (bool Ok, string? Error) result;
                try { result = await send(n); }
                catch (Exception e) { result = (false, e.GetType().Name + ": " + e.Message); }
                var end = Stopwatch.GetTimestamp();
                service.Record(Stopwatch.GetElapsedTime(sent, end));
                fromSchedule.Record(Stopwatch.GetElapsedTime(due, end));
                if (result.Ok) Interlocked.Increment(ref ok);
                else
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, result.Error, null);
                }
            }));
        }
        var completed = Task.WhenAll(inflight);
        await Task.WhenAny(completed, Task.Delay(TimeSpan.FromSeconds(30)));
        var elapsed = Stopwatch.GetElapsedTime(start);
        var cpu = processes.ToDictionary(p => p.Name, p => p.CpuTime() - cpuBefore[p.Name]);
        return new Phase(target, rate, duration, total, Interlocked.Read(ref ok), Interlocked.Read(ref errors) + (total - inflight.Count(t => t.IsCompleted)),
            firstError, service, fromSchedule, Interlocked.Read(ref ok) / elapsed.TotalSeconds, cpu);
    }
}

/// <summary>The two ways of sending the same run: straight to Langflow, or metered through the gateway.</summary>
public sealed class Targets : IDisposable
{
    readonly HttpClient _langflow;
    readonly HttpClient _gateway;
    readonly HttpClient _runner;
    readonly HttpClient _controlPlane;
    readonly IReadOnlyList<BenchTenant> _tenants;
    const string Input = "Where is my order 12345? It was supposed to arrive yesterday.";

    public Targets(BenchStack stack, string serviceToken)
    {
        _langflow = Client(stack.Langflow.Url);
        _langflow.DefaultRequestHeaders.Add("x-api-key", BenchStack.LangflowKey);
        _gateway = Client(stack.Gateway.Url);
        _runner = Client(stack.Runner.Url);
        _runner.DefaultRequestHeaders.Authorization = new("Bearer", serviceToken);
        _controlPlane = Client(stack.ControlPlane.Url);
        _controlPlane.DefaultRequestHeaders.Authorization = new("Bearer", serviceToken);
        _tenants = stack.Tenants;
    }

    /// <summary>The runner's share: the same run sent to the runner as the gateway sends it (client → runner → Langflow).</summary>
    public async Task<(bool, string?)> RunnerAsync(int i)
    {
        var t = _tenants[i % _tenants.Count];
        var body = $"{{\"flow_id\":\"{t.FlowId}\",\"input\":\"{Input}\",\"session_id\":\"bench-r-{i}-{Guid.NewGuid():N}\"}}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/runs") { Content = Json(body) };
        return await SendAsync(_runner, request);
    }

    /// <summary>The ledger's share: a run's reserve and commit, as the gateway makes them (client → control plane → PostgreSQL, twice).</summary>
    public async Task<(bool, string?)> LedgerAsync(int i)
    {
        var t = _tenants[i % _tenants.Count];
        using var reserve = new HttpRequestMessage(HttpMethod.Post, $"v1/tenants/{t.TenantId}/credits/reservations")
        {
            Content = Json($"{{\"amount\":1,\"instance_id\":\"{t.InstanceId}\",\"ttl_seconds\":900}}"),
        };
        reserve.Headers.Add("Idempotency-Key", $"bench/{Guid.NewGuid():N}");
        using var reserved = await _controlPlane.SendAsync(reserve);
        var text = await reserved.Content.ReadAsStringAsync();
        if (!reserved.IsSuccessStatusCode) return (false, $"reserve {(int)reserved.StatusCode} {text[..Math.Min(200, text.Length)]}");
        var id = System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
        using var commit = new HttpRequestMessage(HttpMethod.Post, $"v1/reservations/{id}/commit") { Content = Json("{\"amount\":1}") };
        return await SendAsync(_controlPlane, commit);
    }

    /// <summary>The body the runner itself sends Langflow for this run (one new conversation per request, as the gateway's runs).</summary>
    public async Task<(bool, string?)> DirectAsync(int i)
    {
        var t = _tenants[i % _tenants.Count];
        var body = $"{{\"input_value\":\"{Input}\",\"input_type\":\"chat\",\"output_type\":\"chat\",\"session_id\":\"bench-d-{i}-{Guid.NewGuid():N}\"}}";
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/run/{t.FlowId}?stream=false") { Content = Json(body) };
        return await SendAsync(_langflow, request);
    }

    /// <summary>The same run through the gateway, tenants taking turns.</summary>
    public async Task<(bool, string?)> GatewayAsync(int i)
    {
        var t = _tenants[i % _tenants.Count];
        var body = $"{{\"instance_id\":\"{t.InstanceId}\",\"input\":\"{Input}\",\"session_id\":\"bench-g-{i}-{Guid.NewGuid():N}\"}}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/runs") { Content = Json(body) };
        request.Headers.Authorization = new("Bearer", t.ApiKey);
        return await SendAsync(_gateway, request);
    }

    static ByteArrayContent Json(string body)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = new("application/json");
        return content;
    }

    static async Task<(bool, string?)> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return response.StatusCode == HttpStatusCode.OK ? (true, null) : (false, $"{(int)response.StatusCode} {text[..Math.Min(200, text.Length)]}");
    }

    static HttpClient Client(Uri baseAddress) => new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        MaxConnectionsPerServer = 1024,
        UseProxy = false,
    })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(30),
    };

    public void Dispose()
    {
        _langflow.Dispose();
        _gateway.Dispose();
        _runner.Dispose();
        _controlPlane.Dispose();
    }
}
