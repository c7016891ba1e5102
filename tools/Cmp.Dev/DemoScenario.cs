using System.Net.Http.Json;
using System.Text.Json;
using Cmp.Saleor.Client;
using Cmp.Saleor.Webhooks;
using Cmp.Testing.Simulators;
using Spectre.Console;

namespace Cmp.Dev;

/// <summary>Thrown by a step that depends on a capability not built yet: the demo says where it stops, without failing.</summary>
public sealed class DemoStopsHereException(string reason) : Exception(reason);

/// <summary>
/// The end-to-end story, told step by step against a running platform: a buyer purchases an agent plan and a credit
/// pack in Saleor, the order is provisioned, the agent runs through the gateway and credits are charged; then an AI
/// agent buys through ACP (DemoScenario.AgentCheckout.cs) and that order is provisioned the same way.
/// </summary>
public sealed partial class DemoScenario(DevPorts ports)
{
    readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    string Identity => $"{DevPorts.Loopback(ports.Identity)}realms/cmp";

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var steps = new (string Title, Func<CancellationToken, Task<string>> Run)[]
        {
            ("Every service is ready", PlatformReadyAsync),
            ("Platform team signs in (client credentials, cmp-cli)", AdminSignsInAsync),
            ("Buyer signs in (password grant, buyer@example.com)", BuyerSignsInAsync),
            ("Saleor app, webhooks and demo catalog are installed", SaleorInstalledAsync),
            ("Buyer buys 1 × CSA-PRO and 2 × CREDITS-500 in Saleor and pays", BuyerPurchasesAsync),
            ("Saleor's ORDER_FULLY_PAID webhook is provisioned: a Ready agent and 1000 credits", OrderProvisionedAsync),
            ("Saleor's order shows what was delivered (metadata, fulfilment)", OrderWrittenBackAsync),
            ("Buyer creates an API key for the new agent", BuyerCreatesKeyAsync),
            ("The agent runs through the gateway and credits are charged", AgentRunsAsync),
            ("An AI agent opens an ACP checkout session for CSA-BASIC (Bearer acp-dev-key, API-Version 2026-04-17)", AcpCreateAsync),
            ("The AI agent updates it: the buyer's e-mail and a 100-credit pack", AcpUpdateAsync),
            ("The buyer's card is delegated to the test PSP: a single-use vault token for this session and total", AcpDelegatePaymentAsync),
            ("The AI agent completes the session with the vault token: Saleor transaction and order", AcpCompleteAsync),
            ("The ACP order is provisioned like any Saleor order: a Ready CSA-BASIC agent and 100 credits", AcpOrderProvisionedAsync),
        };
        var n = 0;
        foreach (var (title, run) in steps)
        {
            n++;
            try
            {
                var result = await run(ct);
                AnsiConsole.MarkupLineInterpolated($"[green]✔[/] [bold]{n}. {title}[/]  [grey]{result}[/]");
            }
            catch (DemoStopsHereException stop)
            {
                AnsiConsole.MarkupLineInterpolated($"[yellow]■[/] [bold]{n}. {title}[/]  [yellow]demo stops here: {stop.Message}[/]");
                return 0;
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or JsonException or TaskCanceledException)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]✘[/] [bold]{n}. {title}[/]  [red]{e.Message}[/]");
                return 1;
            }
        }
        AnsiConsole.MarkupLine("[green bold]Demo complete.[/]");
        return 0;
    }

    async Task<string> PlatformReadyAsync(CancellationToken ct)
    {
        var names = new List<string>();
        foreach (var (name, port) in new[] { ("gateway", ports.Gateway), ("control-plane", ports.ControlPlane), ("provisioner", ports.Provisioner), ("runner", ports.Runner) })
        {
            using var r = await _http.GetAsync(new Uri(DevPorts.Loopback(port), "/readyz"), ct);
            if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"{name} is not ready: {await r.Content.ReadAsStringAsync(ct)}");
            names.Add(name);
        }
        return string.Join(", ", names) + " ready";
    }

    async Task<string> AdminSignsInAsync(CancellationToken ct)
    {
        var token = await TokenAsync(new() { ["grant_type"] = "client_credentials", ["client_id"] = "cmp-cli", ["client_secret"] = "cmp-cli-secret" }, ct);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(DevPorts.Loopback(ports.ControlPlane), "/v1/whoami"));
        request.Headers.Authorization = new("Bearer", token);
        using var response = await _http.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
        var me = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        return $"control plane sees {me.GetProperty("username")} with roles {string.Join(",", me.GetProperty("roles").EnumerateArray())}";
    }

    async Task<string> BuyerSignsInAsync(CancellationToken ct)
    {
        var token = await TokenAsync(new() { ["grant_type"] = "password", ["client_id"] = "cmp-web", ["username"] = "buyer@example.com", ["password"] = "buyer" }, ct);
        return $"access token of {token.Length} characters";
    }

    /// <summary>What `saleor install` set up, read back from Saleor as staff: the app, its four webhooks aimed at the
    /// provisioner, and the eight demo products on sale.</summary>
    async Task<string> SaleorInstalledAsync(CancellationToken ct)
    {
        var saleor = SaleorClientFactory.Create(new Uri($"{DevPorts.Loopback(ports.Saleor)}graphql/"));
        var login = await saleor.ExecuteAsync<JsonElement>("TokenCreate", new { email = SaleorSimulator.AdminEmail, password = SaleorSimulator.AdminPassword }, ct);
        var staff = saleor.WithToken(Must(login).GetProperty("tokenCreate").GetProperty("token").GetString());
        var apps = Must(await staff.ExecuteAsync<JsonElement>("Apps", new { search = "cmp-provisioner" }, ct)).GetProperty("apps").GetProperty("edges").EnumerateArray()
            .Select(e => e.GetProperty("node")).Where(a => a.GetProperty("identifier").GetString() == "cmp-provisioner").ToList();
        if (apps.Count != 1) throw new InvalidOperationException("Saleor has no cmp-provisioner app");
        var app = apps[0];
        var hooks = Must(await staff.ExecuteAsync<JsonElement>("AppWebhooks", new { id = app.GetProperty("id").GetString() }, ct))
            .GetProperty("app").GetProperty("webhooks").EnumerateArray().ToList();
        var provisioner = DevPorts.Loopback(ports.Provisioner).ToString().TrimEnd('/');
        foreach (var expected in SaleorWebhooks.All)
        {
            if (!hooks.Any(h => h.GetProperty("name").GetString() == expected.Name && h.GetProperty("isActive").GetBoolean()
                                && h.GetProperty("targetUrl").GetString() == provisioner + expected.Path))
                throw new InvalidOperationException($"webhook {expected.Name} → {provisioner}{expected.Path} is missing or inactive");
        }
        var skus = new[] { "CSA-BASIC", "CSA-PRO", "KBA-BASIC", "KBA-PRO", "CREDITS-100", "CREDITS-500", "CMP-MUG", "CMP-HOODIE" };
        var prices = new List<string>();
        foreach (var sku in skus)
        {
            // Anonymous, as a buyer or an AI agent sees the catalog: published, purchasable, priced.
            var variant = Must(await saleor.ExecuteAsync<JsonElement>("CatalogVariant", new { sku, channel = "default-channel" }, ct)).GetProperty("productVariant");
            if (variant.ValueKind != JsonValueKind.Object) throw new InvalidOperationException($"{sku} is not on sale in default-channel");
            prices.Add($"{sku} {variant.GetProperty("pricing").GetProperty("price").GetProperty("gross").GetProperty("amount").GetDecimal():0.00}");
        }
        var permissions = string.Join(",", app.GetProperty("permissions").EnumerateArray().Select(p => p.GetProperty("code").GetString()));
        return $"app cmp-provisioner ({permissions}), {hooks.Count} webhooks → provisioner, {skus.Length} products: {string.Join(", ", prices)}";
    }

    const string Buyer = "buyer@example.com";
    SaleorShopper.Purchase? _purchase;
    Guid _tenant;
    string _instance = "";
    string _apiKey = "";

    async Task<string> BuyerPurchasesAsync(CancellationToken ct)
    {
        _purchase = await new SaleorShopper(DevPorts.Loopback(ports.Saleor)).PurchaseAsync(Buyer, ("CSA-PRO", 1), ("CREDITS-500", 2));
        return $"order {_purchase.OrderId} paid: {_purchase.Total:0.00} USD (checkoutCreate → transactionCreate → checkoutComplete)";
    }

    async Task<string> OrderProvisionedAsync(CancellationToken ct)
    {
        var order = _purchase!.OrderId;
        using var admin = await ControlPlaneAsAdminAsync(ct);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var tenants = await admin.GetFromJsonAsync<JsonElement>($"v1/tenants?email={Uri.EscapeDataString(Buyer)}", ct);
            if (tenants.GetArrayLength() == 1)
            {
                _tenant = tenants[0].GetProperty("id").GetGuid();
                var ready = (await admin.GetFromJsonAsync<JsonElement>($"v1/instances?order_id={Uri.EscapeDataString(order)}", ct)).EnumerateArray()
                    .Where(i => i.GetProperty("status").GetString() == "Ready").ToList();
                var entries = (await admin.GetFromJsonAsync<JsonElement>($"v1/tenants/{_tenant}/credits/entries?limit=500", ct)).GetProperty("items").EnumerateArray();
                var granted = entries.Where(e => e.GetProperty("kind").GetString() == "grant" && e.TryGetProperty("order_id", out var o) && o.GetString() == order)
                    .Sum(e => e.GetProperty("amount").GetInt64());
                if (ready.Count == 1 && granted == 1000)
                {
                    _instance = ready[0].GetProperty("id").GetString()!;
                    var balance = await admin.GetFromJsonAsync<JsonElement>($"v1/tenants/{_tenant}/credits", ct);
                    return $"instance {_instance} ({ready[0].GetProperty("offering_sku").GetString()}) is Ready; +{granted} credits, balance {balance.GetProperty("balance").GetInt64()}";
                }
            }
            if (DateTime.UtcNow > deadline) throw new InvalidOperationException("the order was not provisioned within 60 s (see the provisioner's /v1/inbox)");
            await Task.Delay(250, ct);
        }
    }

    async Task<string> OrderWrittenBackAsync(CancellationToken ct)
    {
        var saleor = SaleorClientFactory.Create(new Uri($"{DevPorts.Loopback(ports.Saleor)}graphql/"));
        var login = await saleor.ExecuteAsync<JsonElement>("TokenCreate", new { email = SaleorSimulator.AdminEmail, password = SaleorSimulator.AdminPassword }, ct);
        var staff = saleor.WithToken(Must(login).GetProperty("tokenCreate").GetProperty("token").GetString());
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var order = await staff.GetOrderAsync(_purchase!.OrderId, ct);
            if (!order.IsSuccess) throw new InvalidOperationException(order.Error.Message);
            var meta = order.Value.PrivateMetadataMap;
            if (meta.GetValueOrDefault("cmp.provisioning") == "done")
                return $"order #{order.Value.Number}: cmp.provisioning=done, cmp.instance_ids={meta.GetValueOrDefault("cmp.instance_ids")}, "
                       + $"{order.Value.Lines.Sum(l => l.QuantityFulfilled)}/{order.Value.Lines.Sum(l => l.Quantity)} units fulfilled";
            if (DateTime.UtcNow > deadline) throw new InvalidOperationException("the order was not tagged as provisioned in Saleor");
            await Task.Delay(250, ct);
        }
    }

    async Task<string> BuyerCreatesKeyAsync(CancellationToken ct)
    {
        var token = await TokenAsync(new() { ["grant_type"] = "password", ["client_id"] = "cmp-web", ["username"] = Buyer, ["password"] = "buyer" }, ct);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(DevPorts.Loopback(ports.ControlPlane), $"/v1/instances/{_instance}/keys"))
        {
            Content = JsonContent.Create(new { name = "demo" }),
        };
        request.Headers.Authorization = new("Bearer", token);
        using var response = await _http.SendAsync(request, ct);
        var key = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"key creation refused: {key}");
        _apiKey = key.GetProperty("key").GetString()!;
        return $"key {key.GetProperty("prefix").GetString()}_… (shown once; stored hashed)";
    }

    /// <summary>A metered run with the buyer's API key: the gateway reserves, runs through the runner, commits the cost.</summary>
    async Task<string> AgentRunsAsync(CancellationToken ct)
    {
        using var admin = await ControlPlaneAsAdminAsync(ct);
        var before = (await admin.GetFromJsonAsync<JsonElement>($"v1/tenants/{_tenant}/credits", ct)).GetProperty("balance").GetInt64();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(DevPorts.Loopback(ports.Gateway), "/v1/runs"))
        {
            Content = JsonContent.Create(new { instance_id = _instance, input = "Hello! Where is my order?" }),
        };
        request.Headers.Authorization = new("Bearer", _apiKey);
        using var response = await _http.SendAsync(request, ct);
        var run = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"the gateway refused the run: {run}");
        var usage = run.GetProperty("usage");
        var after = (await admin.GetFromJsonAsync<JsonElement>($"v1/tenants/{_tenant}/credits", ct)).GetProperty("balance").GetInt64();
        if (before - after != usage.GetProperty("credits_charged").GetInt64())
            throw new InvalidOperationException($"the ledger moved by {before - after} credits, the run says {usage.GetProperty("credits_charged").GetInt64()}");
        return $"reply \"{run.GetProperty("output").GetString()}\" in {run.GetProperty("latency_ms").GetInt64()} ms; " +
               $"{usage.GetProperty("credits_charged").GetInt64()} credit(s) charged, balance {before} → {after}";
    }

    async Task<HttpClient> ControlPlaneAsAdminAsync(CancellationToken ct)
    {
        var token = await TokenAsync(new() { ["grant_type"] = "client_credentials", ["client_id"] = "cmp-cli", ["client_secret"] = "cmp-cli-secret" }, ct);
        var client = new HttpClient { BaseAddress = DevPorts.Loopback(ports.ControlPlane), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return client;
    }

    static JsonElement Must(Cmp.Primitives.Result<JsonElement> result) =>
        result.IsSuccess ? result.Value : throw new InvalidOperationException(result.Error.Message);

    async Task<string> TokenAsync(Dictionary<string, string> form, CancellationToken ct)
    {
        using var response = await _http.PostAsync($"{Identity}/protocol/openid-connect/token", new FormUrlEncodedContent(form), ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"token request refused: {body}");
        return body.GetProperty("access_token").GetString()!;
    }
}
