using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cmp.Bench.AgentCommerce;
using Cmp.Testing;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

// Agent commerce on one machine, co-located on loopback (see README.md in this folder):
//   1. ACP create → update → complete (a physical item: lines, buyer, address, shipping, payment, order) through the
//      gateway, against the sum of the Saleor simulator calls the gateway made for it: the gateway's own overhead.
//      The baseline, measured in the same run and interleaved with the flows: the bare Saleor checkoutCreate that an
//      ACP create wraps, called by this process with the same client library. Ratios, not milliseconds, are the result.
//   2. MCP tool-call latency with the SDK's C# client, without a session (2026-07-28) and with one (2025-11-25).
// --quick: enough samples to check the bench still runs (scripts/bench.sh --quick), not to quote.
var quick = args.Contains("--quick");
var flows = Math.Min(Arg("--flows", quick ? 10 : 40), 90);      // the demo catalog stocks 100 mugs
var warmup = Arg("--warmup", quick ? 2 : 5);
var calls = Arg("--calls", quick ? 15 : 60);

void Say(string s) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {s}");
await using var world = await BenchWorld.StartAsync(s => Say("starting " + s));
using var http = world.Gateway.CreateHttpClient(BenchWorld.PlatformKey);
http.DefaultRequestHeaders.Add("API-Version", "2026-04-17");

// 1. ACP.
Say($"ACP: {warmup} warm-up and {flows} measured create → update → complete flows (CMP-MUG, shipped to New York)…");
var steps = new Dictionary<string, List<Sample>> { ["create"] = [], ["update"] = [], ["delegate_payment"] = [], ["complete"] = [] };
var flowTotals = new List<Sample>();
var bare = await BareSaleor.CreateAsync(world.Saleor.ApiUrl, world.SaleorAppToken, "default-channel", "CMP-MUG");
var bareCreates = new List<double>();
for (var i = 0; i < warmup + flows; i++)
{
    var flow = await FlowAsync();
    var bareMs = await bare.CheckoutCreateAsync();
    if (i < warmup) continue;
    bareCreates.Add(bareMs);
    foreach (var (step, sample) in flow) steps[step].Add(sample);
    var checkout = flow.Where(f => f.Step != "delegate_payment").Select(f => f.Sample).ToArray();
    flowTotals.Add(new Sample(checkout.Sum(s => s.ClientMs), checkout.Sum(s => s.ServerMs), checkout.Sum(s => s.SaleorMs), checkout.Sum(s => s.SaleorCalls)));
}

// 2. MCP.
Say($"MCP: {calls} calls per tool and transport…");
var buyer = await world.Identity.BuyerTokenAsync();
var mcpRows = new List<(string Transport, string Tool, List<Sample> Samples)>();
foreach (var revision in new[] { "2026-07-28", "2025-11-25" })
{
    await using var mcp = await McpAsync(buyer, revision);
    var checkout = await mcp.CallToolAsync("create_checkout", new Dictionary<string, object?> { ["items"] = new[] { new { sku = "CSA-PRO", quantity = 1 } } });
    var checkoutId = ((JsonElement)checkout.StructuredContent!).GetProperty("checkout_id").GetString()!;
    var tools = new (string Name, Func<Task> Call)[]
    {
        ("tools/list", async () => await mcp.ListToolsAsync()),
        ("get_product", async () => Ok(await mcp.CallToolAsync("get_product", new Dictionary<string, object?> { ["sku"] = "CSA-PRO" }))),
        ("search_catalog", async () => Ok(await mcp.CallToolAsync("search_catalog", new Dictionary<string, object?> { ["query"] = "agent" }))),
        ("get_checkout", async () => Ok(await mcp.CallToolAsync("get_checkout", new Dictionary<string, object?> { ["checkout_id"] = checkoutId }))),
    };
    foreach (var (name, call) in tools)
    {
        var samples = new List<Sample>();
        for (var i = 0; i < warmup + calls; i++)
        {
            SaleorTiming.Drain();
            var sw = Stopwatch.StartNew();
            await call();
            var client = sw.Elapsed.TotalMilliseconds;
            var cost = await SaleorTiming.WaitForAsync("/mcp");      // one POST per call on either transport
            if (i >= warmup) samples.Add(new Sample(client, cost.ServerMs, cost.SaleorMs, cost.SaleorCalls));
        }
        mcpRows.Add((revision == "2026-07-28" ? "stateless (2026-07-28)" : "session (2025-11-25)", name, samples));
    }
}

// Report.
var report = new StringBuilder();
report.AppendLine(CultureInfo.InvariantCulture, $"Agent commerce benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}, " +
                                               $"{(IsRelease() ? "Release" : "Debug")} build; {flows} ACP flows, {calls} MCP calls per row (after {warmup} warm-up).");
report.AppendLine();
var acpCreate = new Percentiles(steps["create"].Select(s => s.ClientMs));
var bareCreate = new Percentiles(bareCreates);
report.AppendLine("Baseline (same run, interleaved with the flows): the bare Saleor `checkoutCreate` an ACP create wraps, called directly with the same client library and input.");
report.AppendLine();
report.AppendLine("| call | p50 | p95 | ratio to bare checkoutCreate (p50) |");
report.AppendLine("|---|---|---|---|");
report.AppendLine(CultureInfo.InvariantCulture, $"| bare Saleor `checkoutCreate` | {bareCreate.P(50):F1} ms | {bareCreate.P(95):F1} ms | 1.00× |");
report.AppendLine(CultureInfo.InvariantCulture, $"| ACP `POST /checkout_sessions` | {acpCreate.P(50):F1} ms | {acpCreate.P(95):F1} ms | {acpCreate.P(50) / bareCreate.P(50):F2}× |");
var flowP50 = new Percentiles(flowTotals.Select(s => s.ClientMs)).P(50);
report.AppendLine(CultureInfo.InvariantCulture, $"| ACP create → update → complete | {flowP50:F1} ms | {new Percentiles(flowTotals.Select(s => s.ClientMs)).P(95):F1} ms | {flowP50 / bareCreate.P(50):F2}× |");
report.AppendLine();
report.AppendLine("ACP over REST (API-Version 2026-04-17). gateway = client-measured latency; Saleor = the sum of the gateway's calls to the Saleor simulator for that request (measured at the gateway's socket); overhead = gateway − Saleor.");
report.AppendLine();
report.AppendLine("| step | Saleor calls | gateway p50 | gateway p95 | Saleor p50 | overhead p50 | overhead p95 | gateway ÷ Saleor (p50) |");
report.AppendLine("|---|---|---|---|---|---|---|---|");
foreach (var (step, samples) in steps) report.AppendLine(Row(step, samples));
report.AppendLine(Row("**create → update → complete**", flowTotals));
report.AppendLine();
report.AppendLine("MCP tool calls (the SDK's C# client, buyer token). Each row is one JSON-RPC request; the stateless transport sends the revision and capabilities with every request.");
report.AppendLine();
report.AppendLine("| transport | call | Saleor calls | latency p50 | latency p95 | Saleor p50 | overhead p50 | overhead p95 |");
report.AppendLine("|---|---|---|---|---|---|---|---|");
foreach (var (transport, tool, samples) in mcpRows)
{
    var l = new Percentiles(samples.Select(s => s.ClientMs));
    var sal = new Percentiles(samples.Select(s => s.SaleorMs));
    var o = new Percentiles(samples.Select(s => s.ClientMs - s.SaleorMs));
    report.AppendLine(CultureInfo.InvariantCulture, $"| {transport} | `{tool}` | {samples.Average(s => s.SaleorCalls):0.#} | {l.P(50):F1} ms | {l.P(95):F1} ms | {sal.P(50):F1} ms | {o.P(50):F1} ms | {o.P(95):F1} ms |");
}
Console.WriteLine();
Console.WriteLine(report);
var dir = Path.Combine(RepoPaths.Root, ".cmp", "bench");
Directory.CreateDirectory(dir);
await File.WriteAllTextAsync(Path.Combine(dir, "agent-commerce.md"), report.ToString());
Say($"report written to {Path.Combine(dir, "agent-commerce.md")}");
return 0;

static string Row(string name, List<Sample> samples)
{
    var g = new Percentiles(samples.Select(s => s.ClientMs));
    var s = new Percentiles(samples.Select(x => x.SaleorMs));
    var o = new Percentiles(samples.Select(x => x.ClientMs - x.SaleorMs));
    var ratio = s.P(50) > 0 ? $"{g.P(50) / s.P(50):F2}×" : "— (no Saleor calls)";
    return string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {samples.Average(x => x.SaleorCalls):0.#} | {g.P(50):F1} ms | {g.P(95):F1} ms | {s.P(50):F1} ms | {o.P(50):F1} ms | {o.P(95):F1} ms | {ratio} |");
}

async Task<List<(string Step, Sample Sample)>> FlowAsync()
{
    var result = new List<(string, Sample)>();
    var create = await AcpAsync("create", HttpMethod.Post, "/acp/checkout_sessions", new JsonObject
    {
        ["line_items"] = new JsonArray(new JsonObject { ["id"] = "CMP-MUG", ["quantity"] = 1 }),
        ["currency"] = "usd",
        ["capabilities"] = new JsonObject { ["interventions"] = new JsonObject { ["supported"] = new JsonArray("3ds") } },
        ["buyer"] = new JsonObject { ["first_name"] = "Ada", ["last_name"] = "Lovelace", ["email"] = "bench@example.com" },
    }, result);
    var id = create.GetProperty("id").GetString()!;
    var updated = await AcpAsync("update", HttpMethod.Post, $"/acp/checkout_sessions/{id}", new JsonObject
    {
        ["fulfillment_details"] = new JsonObject
        {
            ["name"] = "Ada Lovelace",
            ["address"] = new JsonObject { ["name"] = "Ada Lovelace", ["line_one"] = "1 Main St", ["city"] = "New York", ["state"] = "NY", ["country"] = "US", ["postal_code"] = "10001" },
        },
    }, result);
    if (updated.GetProperty("status").GetString() != "ready_for_payment") throw new InvalidOperationException("not ready after update: " + updated);
    var total = updated.GetProperty("totals").EnumerateArray().Single(t => t.GetProperty("type").GetString() == "total").GetProperty("amount").GetInt64();
    var vt = await AcpAsync("delegate_payment", HttpMethod.Post, "/acp/agentic_commerce/delegate_payment", new JsonObject
    {
        ["payment_method"] = new JsonObject
        {
            ["type"] = "card", ["card_number_type"] = "fpan", ["number"] = "4242424242424242", ["exp_month"] = "12",
            ["exp_year"] = (DateTime.UtcNow.Year + 2).ToString(CultureInfo.InvariantCulture), ["name"] = "Ada Lovelace", ["cvc"] = "123",
            ["display_card_funding_type"] = "credit", ["display_brand"] = "visa", ["display_last4"] = "4242", ["metadata"] = new JsonObject(),
        },
        ["allowance"] = new JsonObject
        {
            ["reason"] = "one_time", ["max_amount"] = total, ["currency"] = "usd", ["checkout_session_id"] = id, ["merchant_id"] = BenchWorld.MerchantId,
            ["expires_at"] = DateTime.UtcNow.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        },
        ["risk_signals"] = new JsonArray(new JsonObject { ["type"] = "card_testing", ["score"] = 2, ["action"] = "authorized" }),
        ["metadata"] = new JsonObject(),
    }, result);
    var completed = await AcpAsync("complete", HttpMethod.Post, $"/acp/checkout_sessions/{id}/complete", new JsonObject
    {
        ["payment_data"] = new JsonObject
        {
            ["handler_id"] = "cmp_test_psp",
            ["instrument"] = new JsonObject { ["type"] = "card", ["credential"] = new JsonObject { ["type"] = "vault_token", ["token"] = vt.GetProperty("id").GetString() } },
        },
    }, result);
    if (completed.GetProperty("status").GetString() != "completed") throw new InvalidOperationException("not completed: " + completed);
    return result;
}

async Task<JsonElement> AcpAsync(string step, HttpMethod method, string path, JsonObject body, List<(string, Sample)> into)
{
    using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
    request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
    SaleorTiming.Drain();
    var sw = Stopwatch.StartNew();
    using var response = await http.SendAsync(request);
    var json = await response.Content.ReadFromJsonAsync<JsonElement>();
    var client = sw.Elapsed.TotalMilliseconds;
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{step}: {(int)response.StatusCode} {json}");
    var cost = await SaleorTiming.WaitForAsync(path);
    into.Add((step, new Sample(client, cost.ServerMs, cost.SaleorMs, cost.SaleorCalls)));
    return json;
}

async Task<McpClient> McpAsync(string token, string revision)
{
    var transport = new HttpClientTransport(new HttpClientTransportOptions
    {
        Endpoint = new Uri(world.Gateway.Url, "/mcp"),
        TransportMode = HttpTransportMode.StreamableHttp,
        AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + token },
    });
    return await McpClient.CreateAsync(transport, new McpClientOptions { ProtocolVersion = revision, ClientInfo = new Implementation { Name = "cmp-bench", Version = "1" } });
}

static void Ok(CallToolResult r)
{
    if (r.IsError == true) throw new InvalidOperationException(string.Join(" ", r.Content.OfType<TextContentBlock>().Select(t => t.Text)));
}

static bool IsRelease() =>
    typeof(Cmp.Gateway.Program).Assembly.GetCustomAttributes(typeof(DebuggableAttribute), false).OfType<DebuggableAttribute>().All(d => !d.IsJITOptimizerDisabled);

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
}

/// <summary>One request: as the client saw it, inside the gateway, and the Saleor calls made for it.</summary>
sealed record Sample(double ClientMs, double ServerMs, double SaleorMs, int SaleorCalls);
