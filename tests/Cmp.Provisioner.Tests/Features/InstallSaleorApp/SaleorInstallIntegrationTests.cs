using System.Diagnostics;
using System.Text.Json;
using Cmp.Hosting.Http;
using Cmp.Primitives;
using Cmp.Provisioner.Features.InstallSaleorApp;
using Cmp.Saleor.Client;
using Cmp.Saleor.GraphQL;
using Cmp.Saleor.Webhooks;
using Cmp.Testing;
using Cmp.Testing.Simulators;

namespace Cmp.Provisioner.Tests.Features.InstallSaleorApp;

/// <summary>One simulator for the class; every test starts from a fresh Saleor (<c>/_sim/reset</c>).</summary>
public sealed class SaleorSimulatorFixture : IAsyncLifetime
{
    public SaleorSimulator Sim { get; private set; } = null!;
    public async ValueTask InitializeAsync() => Sim = await SaleorSimulator.StartAsync();
    public async ValueTask DisposeAsync() => await Sim.DisposeAsync();
}

/// <summary>`saleor install` end to end against the Saleor simulator, as a platform engineer runs it.</summary>
public sealed class SaleorInstallIntegrationTests(SaleorSimulatorFixture fixture) : IClassFixture<SaleorSimulatorFixture>, IAsyncLifetime
{
    static readonly string[] DemoSkus = ["CSA-BASIC", "CSA-PRO", "KBA-BASIC", "KBA-PRO", "CREDITS-100", "CREDITS-500", "CMP-MUG", "CMP-HOODIE"];
    const string Target = "http://127.0.0.1:18082";

    readonly SaleorSimulator _sim = fixture.Sim;
    readonly string _dir = Directory.CreateTempSubdirectory("cmp-install-").FullName;

    string TokenPath => Path.Combine(_dir, "saleor-app-token");

    public async ValueTask InitializeAsync() => await _sim.ResetAsync();

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_dir, recursive: true);
        return ValueTask.CompletedTask;
    }

    sealed record Run(int Exit, string Out, string Err)
    {
        public override string ToString() => $"exit {Exit}\n{Out}\n{Err}";
    }

    async Task<Run> InstallAsync(params string[] extra) => await InstallWithEnvAsync(_ => null, extra);

    async Task<Run> InstallWithEnvAsync(Func<string, string?> env, params string[] extra)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await SaleorInstallCommand.RunAsync(["saleor", "install", .. extra], output, error, env, CancellationToken.None);
        return new Run(exit, output.ToString(), error.ToString());
    }

    string[] Staff(params string[] more) => ["--api-url", _sim.ApiUrl.ToString(), "--email", SaleorSimulator.AdminEmail, "--password", SaleorSimulator.AdminPassword, .. more];

    string[] Full(params string[] more) => Staff(["--webhook-target", Target, "--demo-catalog", "--token-file", TokenPath, .. more]);

    ISaleorClient Client(string? token = null) => SaleorClientFactory.Create(_sim.ApiUrl, token, new HttpResilienceOptions { BaseDelay = TimeSpan.FromMilliseconds(10) });

    async Task<ISaleorClient> StaffAsync()
    {
        var r = await Client().ExecuteAsync<JsonElement>("TokenCreate", new { email = SaleorSimulator.AdminEmail, password = SaleorSimulator.AdminPassword });
        return Client(r.Value.GetProperty("tokenCreate").GetProperty("token").GetString());
    }

    async Task<(SaleorApp App, IReadOnlyList<SaleorWebhook> Webhooks)?> ProvisionerAppAsync(ISaleorClient staff)
    {
        var apps = await staff.ExecuteAsync<AppsData>("Apps", new { search = "cmp-provisioner" });
        var app = apps.Value.Apps.Nodes.FirstOrDefault(a => a.Identifier == "cmp-provisioner");
        if (app is null) return null;
        var hooks = await staff.ExecuteAsync<AppWebhooksData>("AppWebhooks", new { id = app.Id });
        return (app, hooks.Value.App!.Webhooks);
    }

    [Fact]
    public async Task A_fresh_install_creates_the_app_token_webhooks_and_demo_catalog()
    {
        var run = await InstallAsync(Full());

        run.Exit.Should().Be(SaleorInstallCommand.ExitCodes.Ok, run.ToString());
        run.Out.Should().Contain("Done: 22 created, 0 updated, 0 deleted, 0 unchanged.");
        run.Out.Should().MatchRegex(@"webhook\s+cmp-order-fully-paid\s+created\s+ORDER_FULLY_PAID → http://127\.0\.0\.1:18082/webhooks/saleor/order_fully_paid");
        var staff = await StaffAsync();
        var (app, hooks) = (await ProvisionerAppAsync(staff))!.Value;
        app.PermissionCodes.Should().Equal("MANAGE_ORDERS");
        app.IsActive.Should().BeTrue();
        hooks.Select(h => (h.Name, h.TargetUrl, h.AsyncEvents.Single().EventType, h.IsActive)).Should().BeEquivalentTo(
            SaleorWebhooks.All.Select(d => (d.Name, $"{Target}{d.Path}", d.AsyncEvent, true)));
        hooks.Should().OnlyContain(h => h.SubscriptionQuery == SaleorOperations.Default.Get(SaleorWebhooks.All.Single(d => d.Name == h.Name).SubscriptionOperation).Document);

        var token = File.ReadAllText(TokenPath).Trim();
        token.Should().HaveLength(30);
        run.Out.Should().NotContain(token, "the token went to the file, not the terminal");
        if (!OperatingSystem.IsWindows()) File.GetUnixFileMode(TokenPath).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var me = await Client(token).ExecuteAsync<CurrentAppData>("CurrentApp");
        me.Value.App!.Identifier.Should().Be("cmp-provisioner");

        foreach (var sku in DemoSkus)
            (await staff.ExecuteAsync<JsonElement>("ProductBySku", new { sku })).Value.GetProperty("productVariant").ValueKind.Should().Be(JsonValueKind.Object, sku);
        var csa = await Client().ExecuteAsync<JsonElement>("CatalogVariant", new { sku = "CSA-PRO", channel = "default-channel" });
        csa.Value.GetProperty("productVariant").GetProperty("pricing").GetProperty("price").GetProperty("gross").GetProperty("amount").GetDouble().Should().Be(49.99);
        var zones = await staff.ExecuteAsync<JsonElement>("ShippingZones", new { channel = "default-channel" });
        zones.Value.GetProperty("shippingZones").GetProperty("edges")[0].GetProperty("node").GetProperty("shippingMethods").GetArrayLength().Should().Be(2);
    }

    [Fact]
    public async Task The_installed_webhooks_fire_for_a_paid_order()
    {
        (await InstallAsync(Full())).Exit.Should().Be(0);
        var staff = await StaffAsync();
        var variant = (await staff.ExecuteAsync<JsonElement>("VariantBySku", new { sku = "CREDITS-100" })).Value.GetProperty("productVariant").GetProperty("id").GetString();
        var (_, payToken) = await _sim.CreateAppAsync("psp", "HANDLE_PAYMENTS");
        var checkout = await Client().ExecuteAsync<JsonElement>("CheckoutCreate", new
        {
            input = new
            {
                channel = "default-channel", email = "buyer@example.com", lines = new[] { new { variantId = variant, quantity = 1 } },
                billingAddress = new { firstName = "A", lastName = "B", streetAddress1 = "1 Main St", city = "New York", postalCode = "10001", country = "US", countryArea = "NY" },
            },
        });
        var id = checkout.Value.GetProperty("checkoutCreate").GetProperty("checkout").GetProperty("id").GetString();
        (await Client(payToken).ExecuteAsync<JsonElement>("TransactionCreate", new { id, transaction = new { name = "psp", pspReference = "p1", amountCharged = new { amount = 10.00m, currency = "USD" } } })).IsSuccess.Should().BeTrue();
        (await Client().ExecuteAsync<JsonElement>("CheckoutComplete", new { id })).IsSuccess.Should().BeTrue();

        var delivery = await Poller.ValueAsync(async () => (await _sim.DeliveriesAsync("order_fully_paid")).Cast<JsonElement?>().FirstOrDefault(), "ORDER_FULLY_PAID delivery");

        delivery!.Value.GetProperty("targetUrl").GetString().Should().Be($"{Target}/webhooks/saleor/order_fully_paid");
        delivery.Value.GetProperty("payload").GetString().Should().Contain("\"productSku\": \"CREDITS-100\"").And.Contain("\"cmp.credits\"");
    }

    [Fact]
    public async Task A_second_run_changes_nothing_and_keeps_the_token_in_use()
    {
        (await InstallAsync(Full())).Exit.Should().Be(0);
        var token = File.ReadAllText(TokenPath);

        var second = await InstallAsync(Full());

        second.Exit.Should().Be(0, second.ToString());
        second.Out.Should().Contain("No changes: Saleor already matches (22 unchanged).");
        second.Out.Should().MatchRegex(@"app token\s+cmp-provisioner\s+unchanged\s+.*holds a working token");
        File.ReadAllText(TokenPath).Should().Be(token);
    }

    [Fact]
    public async Task A_new_token_is_added_without_invalidating_the_one_a_running_provisioner_uses()
    {
        (await InstallAsync(Full())).Exit.Should().Be(0);
        var running = File.ReadAllText(TokenPath).Trim();
        var second = Path.Combine(_dir, "second-token");

        var run = await InstallAsync(Staff("--token-file", second));
        var withoutFile = await InstallAsync(Staff());

        run.Out.Should().MatchRegex(@"app token\s+cmp-provisioner\s+created\s+.*does not exist");
        var fresh = File.ReadAllText(second).Trim();
        fresh.Should().NotBe(running);
        foreach (var token in new[] { running, fresh })
            (await Client(token).ExecuteAsync<CurrentAppData>("CurrentApp")).Value.App!.Identifier.Should().Be("cmp-provisioner");
        withoutFile.Out.Should().MatchRegex(@"app token\s+cmp-provisioner\s+unchanged\s+existing tokens kept");
    }

    [Fact]
    public async Task Without_a_token_file_the_new_token_is_printed_once()
    {
        var run = await InstallAsync(Staff());

        run.Exit.Should().Be(0, run.ToString());
        var lines = run.Out.Split('\n', StringSplitOptions.TrimEntries);
        var token = lines[Array.FindIndex(lines, l => l.StartsWith("App token for cmp-provisioner", StringComparison.Ordinal)) + 1];
        (await Client(token).ExecuteAsync<CurrentAppData>("CurrentApp")).Value.App!.Identifier.Should().Be("cmp-provisioner");
        run.Out.Should().Contain("webhooks").And.Contain("no --webhook-target given");
    }

    [Fact]
    public async Task Drift_is_repaired_and_reported()
    {
        (await InstallAsync(Full())).Exit.Should().Be(0);
        var staff = await StaffAsync();
        var (app, hooks) = (await ProvisionerAppAsync(staff))!.Value;
        var paid = hooks.Single(h => h.Name == "cmp-order-fully-paid");
        await Must(staff.ExecuteAsync<JsonElement>("WebhookUpdate", new { id = paid.Id, input = new { targetUrl = "http://old-host.example/hook", isActive = false } }));
        await Must(staff.ExecuteAsync<JsonElement>("AppUpdate", new { id = app.Id, input = new { permissions = new[] { "MANAGE_ORDERS", "MANAGE_PRODUCTS" } } }));
        await Must(staff.ExecuteAsync<JsonElement>("WebhookCreate", new { input = new { app = app.Id, name = "cmp-legacy-hook", targetUrl = "http://old-host.example/legacy", asyncEvents = new[] { "ORDER_CREATED" } } }));
        await Must(staff.ExecuteAsync<JsonElement>("WebhookCreate", new { input = new { app = app.Id, name = "team-audit", targetUrl = "http://audit.example/hook", asyncEvents = new[] { "ORDER_CREATED" } } }));
        var csa = (await staff.ExecuteAsync<JsonElement>("VariantBySku", new { sku = "CSA-PRO" })).Value.GetProperty("productVariant");
        var channelId = csa.GetProperty("channelListings")[0].GetProperty("channel").GetProperty("id").GetString();
        await Must(staff.ExecuteAsync<JsonElement>("ProductVariantChannelListingUpdate", new { id = csa.GetProperty("id").GetString(), input = new[] { new { channelId, price = 1.00m } } }));

        var run = await InstallAsync(Full());

        run.Exit.Should().Be(0, run.ToString());
        run.Out.Should().MatchRegex(@"app\s+cmp-provisioner\s+updated\s+revoke MANAGE_PRODUCTS");
        run.Out.Should().MatchRegex(@"webhook\s+cmp-order-fully-paid\s+updated\s+target http://old-host\.example/hook → http://127\.0\.0\.1:18082/webhooks/saleor/order_fully_paid");
        run.Out.Should().Contain("activate");
        run.Out.Should().MatchRegex(@"webhook\s+cmp-legacy-hook\s+deleted");
        run.Out.Should().MatchRegex(@"webhook\s+team-audit\s+unchanged\s+not managed by CMP");
        run.Out.Should().MatchRegex(@"product\s+CSA-PRO\s+updated\s+price 1\.00 USD → 49\.99 USD");
        run.Out.Should().Contain("Done: 0 created, 3 updated, 1 deleted");
        var (fixedApp, fixedHooks) = (await ProvisionerAppAsync(staff))!.Value;
        fixedApp.PermissionCodes.Should().Equal("MANAGE_ORDERS");
        fixedHooks.Single(h => h.Name == "cmp-order-fully-paid").Should().Match<SaleorWebhook>(h => h.IsActive && h.TargetUrl == $"{Target}/webhooks/saleor/order_fully_paid");
        fixedHooks.Select(h => h.Name).Should().Contain("team-audit").And.NotContain("cmp-legacy-hook");
        (await InstallAsync(Full())).Out.Should().Contain("No changes");
    }

    [Fact]
    public async Task A_dry_run_plans_everything_and_changes_nothing()
    {
        var run = await InstallAsync(Full("--dry-run"));

        run.Exit.Should().Be(0, run.ToString());
        run.Out.Should().Contain("(dry run, nothing will be changed)").And.Contain("Dry run, nothing was changed. Planned: 22 to create");
        run.Out.Should().MatchRegex(@"product\s+CSA-BASIC\s+to create");
        File.Exists(TokenPath).Should().BeFalse();
        var staff = await StaffAsync();
        (await ProvisionerAppAsync(staff)).Should().BeNull();
        (await staff.ExecuteAsync<JsonElement>("ProductBySku", new { sku = "CSA-BASIC" })).Value.GetProperty("productVariant").ValueKind.Should().Be(JsonValueKind.Null);
        (await staff.ExecuteAsync<JsonElement>("Warehouses", new { slugs = new[] { "cmp-warehouse" } })).Value.GetProperty("warehouses").GetProperty("edges").GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task A_dry_run_over_drift_shows_the_updates_and_leaves_the_drift()
    {
        (await InstallAsync(Full())).Exit.Should().Be(0);
        var staff = await StaffAsync();
        var (app, _) = (await ProvisionerAppAsync(staff))!.Value;
        await Must(staff.ExecuteAsync<JsonElement>("AppUpdate", new { id = app.Id, input = new { permissions = new[] { "MANAGE_ORDERS", "MANAGE_CHECKOUTS" } } }));

        var run = await InstallAsync(Full("--dry-run"));

        run.Out.Should().MatchRegex(@"app\s+cmp-provisioner\s+to update\s+revoke MANAGE_CHECKOUTS");
        run.Out.Should().Contain("Planned: 0 to create, 1 to update");
        (await ProvisionerAppAsync(staff))!.Value.App.PermissionCodes.Should().Equal("MANAGE_CHECKOUTS", "MANAGE_ORDERS");
    }

    [Fact]
    public async Task Bad_credentials_fail_clearly_with_the_auth_exit_code()
    {
        var run = await InstallAsync("--api-url", _sim.ApiUrl.ToString(), "--email", SaleorSimulator.AdminEmail, "--password", "not-the-password");

        run.Exit.Should().Be(SaleorInstallCommand.ExitCodes.Unauthorized);
        run.Err.Should().Contain("Saleor refused the staff login of admin@example.com").And.Contain("INVALID_CREDENTIALS");
        (run.Out + run.Err).Should().NotContain("not-the-password");
    }

    [Fact]
    public async Task An_app_token_without_the_needed_permission_is_told_to_use_staff_credentials()
    {
        var (_, weak) = await _sim.CreateAppAsync("cmp-provisioner", "cmp-provisioner", []);

        var run = await InstallAsync("--api-url", _sim.ApiUrl.ToString(), "--token", weak, "--webhook-target", Target);

        run.Exit.Should().Be(SaleorInstallCommand.ExitCodes.Unauthorized, run.ToString());
        run.Err.Should().Contain("lacks MANAGE_ORDERS").And.Contain("--email/--password");
    }

    [Fact]
    public async Task The_apps_own_token_manages_its_webhooks_but_the_catalog_needs_staff()
    {
        (await InstallAsync(Staff("--token-file", TokenPath))).Exit.Should().Be(0);
        var appToken = File.ReadAllText(TokenPath).Trim();

        var hooks = await InstallAsync("--api-url", _sim.ApiUrl.ToString(), "--token", appToken, "--webhook-target", Target);
        var catalog = await InstallAsync("--api-url", _sim.ApiUrl.ToString(), "--token", appToken, "--demo-catalog");

        hooks.Exit.Should().Be(0, hooks.ToString());
        hooks.Out.Should().MatchRegex(@"webhook\s+cmp-order-fully-paid\s+created");
        catalog.Exit.Should().Be(SaleorInstallCommand.ExitCodes.Unauthorized, catalog.ToString());
        catalog.Err.Should().MatchRegex("needs one of MANAGE_[A-Z_]+").And.Contain("The catalog needs staff credentials");
    }

    [Fact]
    public async Task A_token_of_another_app_is_refused()
    {
        var (_, other) = await _sim.CreateAppAsync("someone-else", "MANAGE_ORDERS");

        var run = await InstallAsync("--api-url", _sim.ApiUrl.ToString(), "--token", other);

        run.Exit.Should().Be(SaleorInstallCommand.ExitCodes.Unauthorized);
        run.Err.Should().Contain("belongs to the app 'someone-else'");
    }

    [Theory]
    [InlineData("--api-url=http://x.example/graphql", "must end with /graphql/")]
    [InlineData("--api-url=http://x.example/graphql/", "authenticate with --email and --password")]
    [InlineData("--api-url=http://x.example/graphql/ --email=a@b.c", "--email needs --password")]
    [InlineData("--api-url=http://x.example/graphql/ --email=a@b.c --password=p --token=t", "either --email/--password or --token")]
    [InlineData("--api-url=http://x.example/graphql/ --token=t --webhook-target=not-a-url", "--webhook-target 'not-a-url'")]
    [InlineData("--api-url=http://x.example/graphql/ --token=t --demo-catalog --catalog-file=x.json", "either --demo-catalog or --catalog-file")]
    [InlineData("--api-url=http://x.example/graphql/ --token=t --catalog-file=/no/such/file.json", "does not exist")]
    [InlineData("--api-url=http://x.example/graphql/ --token=t --channel=Bad_Channel", "is not a channel slug")]
    [InlineData("--no-such-option", "Unrecognized command or argument")]
    [InlineData("", "--api-url is required")]
    public async Task Bad_usage_is_refused_before_anything_is_sent(string args, string message)
    {
        var run = await InstallAsync(args.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        run.Exit.Should().Be(SaleorInstallCommand.ExitCodes.Usage, run.ToString());
        run.Err.Should().Contain(message);
    }

    [Fact]
    public async Task An_invalid_catalog_file_lists_every_problem()
    {
        var file = Path.Combine(_dir, "catalog.json");
        await File.WriteAllTextAsync(file, """
            { "products": [
                { "sku": "A-1", "name": "A", "slug": "a-1", "kind": "robot", "price": "1.00" },
                { "sku": "B-1", "name": "B", "slug": "b-1", "kind": "agent", "price": "1.999" },
                { "sku": "C-1", "name": "C", "slug": "Bad Slug", "kind": "physical", "price": "5.00" } ] }
            """);

        var run = await InstallAsync("--api-url", _sim.ApiUrl.ToString(), "--token", "t", "--catalog-file", file);

        run.Exit.Should().Be(SaleorInstallCommand.ExitCodes.Usage);
        run.Err.Should().Contain("products[0] (A-1): kind must be agent, credits or physical").And.Contain("products[1] (B-1): 1.999 has more decimals than USD allows")
            .And.Contain("products[2] (C-1): slug 'Bad Slug'").And.Contain("physical products need at least one shipping zone");
    }

    [Fact]
    public async Task An_unreachable_saleor_fails_with_the_general_exit_code()
    {
        var run = await InstallAsync("--api-url", $"http://127.0.0.1:{FreePort.Next()}/graphql/", "--email", "a@b.c", "--password", "p");

        run.Exit.Should().Be(SaleorInstallCommand.ExitCodes.Failed);
        run.Err.Should().Contain("unreachable");
    }

    [Fact]
    public async Task The_provisioner_binary_runs_the_command_and_reads_the_password_from_the_environment()
    {
        var psi = new ProcessStartInfo("dotnet", [typeof(Program).Assembly.Location, "saleor", "install", "--api-url", _sim.ApiUrl.ToString(),
            "--email", SaleorSimulator.AdminEmail, "--webhook-target", Target, "--token-file", TokenPath])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        psi.Environment["SALEOR_PASSWORD"] = SaleorSimulator.AdminPassword;

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        process.ExitCode.Should().Be(0, await stdout + await stderr);
        (await stdout).Should().Contain("Done: 6 created");
        File.Exists(TokenPath).Should().BeTrue();
    }

    static async Task Must(Task<Result<JsonElement>> call)
    {
        var r = await call;
        r.IsSuccess.Should().BeTrue(r.Error?.ToString());
    }

    sealed record AppsData(Connection<SaleorApp> Apps);
    sealed record AppWithHooks(string Id, IReadOnlyList<SaleorWebhook> Webhooks);
    sealed record AppWebhooksData(AppWithHooks? App);
    sealed record CurrentAppData(SaleorApp? App);
}
