using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cmp.Bench.Provisioning;
using Cmp.Testing.Hosting;
using Cmp.Testing.Platform;
using Cmp.Testing.Postgres;
using Npgsql;

// Purchase → provision on one machine, everything co-located on loopback (see README.md in this folder).
// --quick: enough samples to check the bench still runs (scripts/bench.sh --quick), not to quote.
var quick = args.Contains("--quick");
var orders = Arg("--orders", quick ? 10 : 40);          // sequential purchases for webhook-to-Ready latency
var burst = Arg("--burst", quick ? 60 : 300);           // deliveries blasted at the receiver for ingest and processing rates
var concurrency = Arg("--concurrency", 16);
const string Secret = "bench-hmac-secret";

await using var pg = await PgCluster.StartEphemeralAsync();
Console.WriteLine("Starting the platform (identity, Saleor and Langflow simulators, runner, control plane, provisioner)…");
await using var stack = await PlatformStack.StartAsync(prefix => pg.CreateDatabaseAsync(prefix), new PlatformOptions
{
    ProvisionerSettings = new() { ["Logging:LogLevel:Default"] = "Warning" },
    ControlPlaneSettings = new() { ["Logging:LogLevel:Default"] = "Warning" },
});
using var admin = new HttpClient { BaseAddress = stack.ControlPlane.Url };
admin.DefaultRequestHeaders.Authorization = new("Bearer", await stack.Identity.AdminTokenAsync());
var tokenAge = Stopwatch.StartNew();

// 1. Webhook to Ready: from checkoutComplete (Saleor emits ORDER_FULLY_PAID) until the instance is Ready.
Console.WriteLine($"Latency: {orders} sequential purchases of CSA-PRO…");
var toReady = new List<TimeSpan>();
for (var i = 0; i < orders; i++)
{
    var email = $"latency-{i}@example.com";
    var buying = Stopwatch.StartNew();
    var checkout = await stack.Shopper.CheckoutAsync(email, ("CSA-PRO", 1));
    await stack.Shopper.PayAsync(checkout.Id, checkout.Total);
    var clock = Stopwatch.StartNew();
    var order = await stack.Shopper.CompleteAsync(checkout.Id);
    while (!await ReadyAsync(order))
    {
        if (clock.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException($"order {i} ({order}) not Ready after 30 s; deliveries: " +
            string.Join("; ", (await stack.Saleor.DeliveriesAsync("order_fully_paid")).TakeLast(3).Select(d => d.GetProperty("state") + " " + d.GetProperty("attempts"))) +
            "; inbox: " + string.Join("; ", (await InboxAsync()).Take(1)) +
            "; instances: " + await admin.GetStringAsync($"v1/instances?order_id={Uri.EscapeDataString(order)}"));
        await Task.Delay(5);
    }
    toReady.Add(clock.Elapsed);
    if (i < 3 || i % 10 == 0) Console.WriteLine($"  order {i}: bought in {buying.Elapsed.TotalMilliseconds - clock.Elapsed.TotalMilliseconds:F0} ms, Ready after {clock.Elapsed.TotalMilliseconds:F0} ms");
}
var acks = (await stack.Saleor.DeliveriesAsync("order_fully_paid"))
    .SelectMany(d => d.GetProperty("attempts").EnumerateArray())
    .Select(a => TimeSpan.FromMilliseconds(a.GetProperty("durationMs").GetDouble())).ToList();

// 2. Ingest and processing: real orders whose deliveries Saleor holds back, then sent at once (HMAC-signed) to a
//    second provisioner replica; both replicas work the shared inbox.
Console.WriteLine($"Throughput: preparing {burst} orders…");
await stack.Saleor.DeliveryFaultAsync(new { kind = "hold", count = burst, @event = "order_fully_paid" });
for (var i = 0; i < burst; i++) await stack.Shopper.PurchaseAsync($"burst-{i}@example.com", ("CREDITS-100", 1));
var payloads = (await stack.Saleor.DeliveriesAsync("order_fully_paid"))
    .Where(d => d.GetProperty("state").GetString() == "held").Select(d => d.GetProperty("payload").GetString()!).ToList();
var replica = stack.ProvisionerSettings();
replica["Saleor:WebhookSecret"] = Secret;
replica["Logging:LogLevel:Default"] = "Warning";
await using var second = new ServiceFactory<Cmp.Provisioner.Program>(replica);
second.Start();

var ingest = Stopwatch.StartNew();
using var http = new HttpClient { BaseAddress = second.Url };
await Parallel.ForEachAsync(payloads, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (payload, ct) =>
{
    var body = Encoding.UTF8.GetBytes(payload);
    using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/saleor/order_fully_paid") { Content = new ByteArrayContent(body) };
    request.Content.Headers.ContentType = new("application/json");
    request.Headers.Add("Saleor-Event", "order_fully_paid");
    request.Headers.Add("Saleor-Domain", stack.Saleor.Url.Authority);
    request.Headers.Add("Saleor-Api-Url", stack.Saleor.ApiUrl.ToString());
    request.Headers.Add("Saleor-Signature", Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), body)));
    using var response = await http.SendAsync(request, ct);
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"delivery refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
});
var ingested = ingest.Elapsed;
while (await PendingAsync() > 0) await Task.Delay(20);
var processed = ingest.Elapsed;

// 3. Baseline in the same run: the same rows inserted straight into a table shaped like the inbox, same concurrency.
var baselineDb = await pg.CreateDatabaseAsync("bench_baseline");
await using (var c = new NpgsqlConnection(baselineDb))
{
    await c.OpenAsync();
    await new NpgsqlCommand("CREATE TABLE inbox (id bigserial PRIMARY KEY, key text UNIQUE, payload text, received_at timestamptz)", c).ExecuteNonQueryAsync();
}
var baseline = Stopwatch.StartNew();
await Parallel.ForEachAsync(payloads, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (payload, ct) =>
{
    await using var c = new NpgsqlConnection(baselineDb);
    await c.OpenAsync(ct);
    await using var cmd = new NpgsqlCommand("INSERT INTO inbox (key, payload, received_at) VALUES (@k, @p, now()) ON CONFLICT (key) DO NOTHING", c);
    cmd.Parameters.AddWithValue("k", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(payload))));
    cmd.Parameters.AddWithValue("p", payload);
    await cmd.ExecuteNonQueryAsync(ct);
});
var baselineTime = baseline.Elapsed;

var latency = new Percentiles(toReady);
var ack = new Percentiles(acks);
var ingestRate = payloads.Count / ingested.TotalSeconds;
var processRate = payloads.Count / processed.TotalSeconds;
var baselineRate = payloads.Count / baselineTime.TotalSeconds;
var report = new StringBuilder();
report.AppendLine($"Purchase → provision benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores; {orders} orders, burst {payloads.Count}.");
report.AppendLine();
report.AppendLine("| measure | result |");
report.AppendLine("|---|---|");
report.AppendLine($"| webhook → instance Ready (checkoutComplete to Ready, incl. flow import via runner → Langflow) | {latency} |");
report.AppendLine($"| webhook acknowledged (Saleor's view of the receiver: verify + inbox commit + 200) | {ack} |");
report.AppendLine($"| ingest: {payloads.Count} deliveries, concurrency {concurrency} | {ingestRate:F0} deliveries/s |");
report.AppendLine($"| ingest + fully processed (2 replicas: tenant, grant, Saleor fulfil + metadata) | {processRate:F0} orders/s |");
report.AppendLine($"| baseline: the same rows INSERTed straight into PostgreSQL | {baselineRate:F0} rows/s |");
report.AppendLine($"| ingest cost vs baseline | {baselineRate / ingestRate:F2}× the time of a bare INSERT |");
Console.WriteLine();
Console.WriteLine(report);
var reportDir = Path.Combine(Cmp.Testing.RepoPaths.Root, ".cmp", "bench");
Directory.CreateDirectory(reportDir);
await File.WriteAllTextAsync(Path.Combine(reportDir, "provisioning.md"), report.ToString());
Console.WriteLine($"report written to {Path.Combine(reportDir, "provisioning.md")}");
return 0;

async Task<bool> ReadyAsync(string orderId)
{
    if (tokenAge.Elapsed > TimeSpan.FromMinutes(4))
    {
        admin.DefaultRequestHeaders.Authorization = new("Bearer", await stack.Identity.AdminTokenAsync());
        tokenAge.Restart();
    }
    var instances = await admin.GetFromJsonAsync<JsonElement>($"v1/instances?order_id={Uri.EscapeDataString(orderId)}");
    return instances.GetArrayLength() == 1 && instances[0].GetProperty("status").GetString() == "Ready";
}

async Task<List<string>> InboxAsync()
{
    using var p = new HttpClient { BaseAddress = stack.ProvisionerUrl };
    p.DefaultRequestHeaders.Authorization = admin.DefaultRequestHeaders.Authorization;
    var page = await p.GetFromJsonAsync<JsonElement>("/v1/inbox?limit=5");
    return page.GetProperty("items").EnumerateArray().Select(m => m.ToString()).ToList();
}

async Task<int> PendingAsync()
{
    using var p = new HttpClient { BaseAddress = stack.ProvisionerUrl };
    p.DefaultRequestHeaders.Authorization = admin.DefaultRequestHeaders.Authorization;
    var page = await p.GetFromJsonAsync<JsonElement>("/v1/inbox?status=pending&limit=500");
    return page.GetProperty("items").GetArrayLength();
}

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
}
