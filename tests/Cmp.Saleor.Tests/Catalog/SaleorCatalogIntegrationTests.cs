using System.Text.Json;
using Cmp.Primitives;
using Cmp.Saleor.Catalog;
using Cmp.Saleor.Client;
using Cmp.Saleor.Tests.Support;
using Cmp.Testing.Simulators;

namespace Cmp.Saleor.Tests.Catalog;

/// <summary>Catalog sync against the Saleor simulator: creation, idempotency, drift repair, dry run, unlisting.</summary>
public sealed class SaleorCatalogIntegrationTests(SaleorSimulatorFixture fixture) : IClassFixture<SaleorSimulatorFixture>
{
    readonly SaleorSimulator _sim = fixture.Sim;

    static ProductSpec Mug(string sku) => new()
    {
        Sku = sku,
        Name = "Agent Mug",
        Slug = sku.ToLowerInvariant(),
        Kind = ProductKind.Physical,
        Shippable = true,
        Weight = Weight.FromKilograms(0.35m),
        InitialStock = 25,
        Price = new Money(1250, "USD"),
        Description = "A mug for your agent.",
    };

    [Fact]
    public async Task Ensure_creates_a_purchasable_product_and_a_second_run_changes_nothing()
    {
        var staff = await SaleorShop.StaffAsync(_sim);
        var catalog = SaleorShop.Catalog(staff);
        var spec = SaleorShop.Agent("SYNC-1", 19.99m);

        var first = await catalog.EnsureProductAsync(spec);
        var second = await catalog.EnsureProductAsync(spec);

        first.Value.Outcome.Should().Be(CatalogOutcome.Created, first.Error?.ToString());
        second.Value.Outcome.Should().Be(CatalogOutcome.Unchanged, string.Join("; ", second.Value.Changes));
        var v = await SaleorShop.Client(_sim).ExecuteAsync<JsonElement>("CatalogVariant", new { sku = "SYNC-1", channel = "default-channel" });
        var variant = v.Value.GetProperty("productVariant");
        variant.GetProperty("pricing").GetProperty("price").GetProperty("gross").GetProperty("amount").GetDouble().Should().Be(19.99, "an anonymous buyer sees it priced");
        variant.GetProperty("trackInventory").GetBoolean().Should().BeFalse();
        var product = variant.GetProperty("product");
        product.GetProperty("productType").GetProperty("isShippingRequired").GetBoolean().Should().BeFalse();
        EditorJs.ToPlainText(product.GetProperty("description").GetString()).Should().Be(EditorJs.Normalize(spec.Description));
        var meta = MetadataItem.ToDictionary(variant.GetProperty("metadata").Deserialize<MetadataItem[]>(SaleorJson.Options));
        meta.Should().BeEmpty("offering metadata lives on the product");
    }

    [Fact]
    public async Task Drift_made_in_saleor_is_repaired_and_reported()
    {
        var staff = await SaleorShop.StaffAsync(_sim);
        var catalog = SaleorShop.Catalog(staff);
        var spec = SaleorShop.Agent("SYNC-2", 29.99m);
        (await catalog.EnsureProductAsync(spec)).IsSuccess.Should().BeTrue();
        var product = await ProductAsync(staff, "sync-2");
        var variantId = product.GetProperty("variants")[0].GetProperty("id").GetString();
        var channelId = product.GetProperty("channelListings")[0].GetProperty("channel").GetProperty("id").GetString();
        await Must(staff.ExecuteAsync<JsonElement>("ProductVariantChannelListingUpdate", new { id = variantId, input = new[] { new { channelId, price = 1.00m } } }));
        await Must(staff.ExecuteAsync<JsonElement>("ProductChannelListingUpdate", new { id = product.GetProperty("id").GetString(), input = new { updateChannels = new[] { new { channelId, isPublished = false } } } }));
        await Must(staff.ExecuteAsync<JsonElement>("UpdateMetadata", new { id = product.GetProperty("id").GetString(), input = new[] { new { key = "cmp.flow_template", value = "hijacked" }, new { key = "cmp.stale", value = "1" }, new { key = "team.note", value = "keep" } } }));
        await Must(staff.ExecuteAsync<JsonElement>("ProductUpdate", new { id = product.GetProperty("id").GetString(), input = new { name = "Renamed by hand" } }));

        var repaired = await catalog.EnsureProductAsync(spec);
        var again = await catalog.EnsureProductAsync(spec);

        repaired.Value.Outcome.Should().Be(CatalogOutcome.Updated);
        repaired.Value.Changes.Should().Contain("price 1.00 USD → 29.99 USD").And.Contain("name 'Renamed by hand' → 'Agent SYNC-2'")
            .And.Contain("metadata cmp.flow_template 'hijacked' → 'support-agent'").And.Contain("remove metadata cmp.stale")
            .And.Contain(c => c.StartsWith("listing in default-channel", StringComparison.Ordinal));
        again.Value.Outcome.Should().Be(CatalogOutcome.Unchanged, string.Join("; ", again.Value.Changes));
        var after = await ProductAsync(staff, "sync-2");
        after.GetProperty("name").GetString().Should().Be("Agent SYNC-2");
        after.GetProperty("channelListings")[0].GetProperty("isPublished").GetBoolean().Should().BeTrue();
        MetadataItem.ToDictionary(after.GetProperty("metadata").Deserialize<MetadataItem[]>(SaleorJson.Options))
            .Should().Contain("team.note", "keep").And.NotContainKey("cmp.stale");
    }

    [Fact]
    public async Task A_dry_run_reports_the_plan_and_writes_nothing()
    {
        var staff = await SaleorShop.StaffAsync(_sim);
        var catalog = SaleorShop.Catalog(staff);

        var fresh = await catalog.EnsureProductAsync(SaleorShop.Agent("DRY-1", 5m), dryRun: true);
        (await catalog.EnsureProductAsync(SaleorShop.Agent("DRY-2", 5m))).IsSuccess.Should().BeTrue();
        var repriced = await catalog.EnsureProductAsync(SaleorShop.Agent("DRY-2", 7m), dryRun: true);

        fresh.Value.Outcome.Should().Be(CatalogOutcome.Created);
        fresh.Value.DryRun.Should().BeTrue();
        fresh.Value.Changes.Should().Contain(c => c.StartsWith("create product 'dry-1'", StringComparison.Ordinal));
        (await staff.ExecuteAsync<JsonElement>("ProductBySku", new { sku = "DRY-1" })).Value.GetProperty("productVariant").ValueKind.Should().Be(JsonValueKind.Null);
        repriced.Value.Changes.Should().Equal("price 5.00 USD → 7.00 USD");
        (await catalog.EnsureProductAsync(SaleorShop.Agent("DRY-2", 5m))).Value.Outcome.Should().Be(CatalogOutcome.Unchanged, "the dry run left the price alone");
    }

    [Fact]
    public async Task Unlisting_takes_an_offering_off_sale_without_breaking_its_orders()
    {
        var staff = await SaleorShop.StaffAsync(_sim);
        var catalog = SaleorShop.Catalog(staff);
        (await catalog.EnsureProductAsync(SaleorShop.Agent("OFF-1", 9m))).IsSuccess.Should().BeTrue();
        var (_, payToken) = await _sim.CreateAppAsync("pay", "HANDLE_PAYMENTS", "MANAGE_ORDERS");
        var payments = SaleorShop.Client(_sim, payToken);
        var (orderId, _, _, _) = await SaleorShop.PaidOrderAsync(_sim, payments, "old@example.com", (await SaleorShop.VariantIdAsync(staff, "OFF-1"), 1));

        var unlisted = await catalog.UnlistAsync("OFF-1");
        var again = await catalog.UnlistAsync("OFF-1");

        unlisted.Value.Outcome.Should().Be(CatalogOutcome.Updated);
        again.Value.Outcome.Should().Be(CatalogOutcome.Unchanged);
        (await SaleorShop.Client(_sim).ExecuteAsync<JsonElement>("CatalogVariant", new { sku = "OFF-1", channel = "default-channel" }))
            .Value.GetProperty("productVariant").ValueKind.Should().Be(JsonValueKind.Null, "buyers and agents no longer see it");
        (await staff.ExecuteAsync<JsonElement>("ProductBySku", new { sku = "OFF-1" })).Value.GetProperty("productVariant").ValueKind.Should().Be(JsonValueKind.Object, "it is not deleted");
        var order = await payments.GetOrderAsync(orderId);
        order.Value.Lines.Should().ContainSingle(l => l.ProductSku == "OFF-1" && l.Variant != null);

        var relisted = await catalog.EnsureProductAsync(SaleorShop.Agent("OFF-1", 9m));
        relisted.Value.Changes.Should().ContainSingle(c => c.StartsWith("listing in default-channel", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unlisting_an_unknown_sku_is_not_found()
    {
        var r = await SaleorShop.Catalog(await SaleorShop.StaffAsync(_sim)).UnlistAsync("NO-SUCH-SKU");

        r.Error!.Kind.Should().Be(ErrorKind.NotFound);
    }

    [Fact]
    public async Task A_physical_product_gets_weight_tracked_stock_and_a_priced_shipping_zone()
    {
        var staff = await SaleorShop.StaffAsync(_sim);
        var catalog = SaleorShop.Catalog(staff);
        var zone = new ShippingZoneSpec("Test US", ["US"], [new ShippingMethodSpec("Ground", new Money(500, "USD"), 3, 5)]);

        (await catalog.EnsureProductAsync(Mug("MUG-1"))).Value.Outcome.Should().Be(CatalogOutcome.Created);
        (await catalog.EnsureShippingZoneAsync(zone)).Value.Outcome.Should().Be(CatalogOutcome.Created);
        (await catalog.EnsureShippingZoneAsync(zone)).Value.Outcome.Should().Be(CatalogOutcome.Unchanged);
        var repriced = await catalog.EnsureShippingZoneAsync(zone with { Methods = [new ShippingMethodSpec("Ground", new Money(650, "USD"), 3, 5)] });
        repriced.Value.Changes.Should().Equal("method 'Ground' price 5.00 USD → 6.50 USD");

        var variant = (await staff.ExecuteAsync<JsonElement>("VariantBySku", new { sku = "MUG-1" })).Value.GetProperty("productVariant");
        variant.GetProperty("weight").GetProperty("value").GetDouble().Should().Be(0.35);
        variant.GetProperty("trackInventory").GetBoolean().Should().BeTrue();
        variant.GetProperty("stocks")[0].GetProperty("quantity").GetInt32().Should().Be(25);
        var checkout = await SaleorShop.Client(_sim).ExecuteAsync<JsonElement>("CheckoutCreate", new
        {
            input = new
            {
                channel = "default-channel", email = "m@example.com", lines = new[] { new { variantId = variant.GetProperty("id").GetString(), quantity = 1 } },
                shippingAddress = SaleorShop.BuyerAddress, billingAddress = SaleorShop.BuyerAddress,
            },
        });
        var methods = checkout.Value.GetProperty("checkoutCreate").GetProperty("checkout").GetProperty("shippingMethods").EnumerateArray()
            .Select(m => (m.GetProperty("name").GetString(), m.GetProperty("price").GetProperty("amount").GetDouble()));
        methods.Should().Contain(("Ground", 6.5), "a buyer of a physical product is offered the zone's method");
    }

    [Fact]
    public async Task Physical_stock_changed_by_sales_or_staff_is_left_alone()
    {
        var staff = await SaleorShop.StaffAsync(_sim);
        var catalog = SaleorShop.Catalog(staff);
        (await catalog.EnsureProductAsync(Mug("MUG-2"))).IsSuccess.Should().BeTrue();
        var variantId = await SaleorShop.VariantIdAsync(staff, "MUG-2");
        var warehouses = (await staff.ExecuteAsync<JsonElement>("Warehouses", new { slugs = new[] { "cmp-warehouse" } })).Value;
        var warehouseId = warehouses.GetProperty("warehouses").GetProperty("edges")[0].GetProperty("node").GetProperty("id").GetString();
        await Must(staff.ExecuteAsync<JsonElement>("ProductVariantStocksUpdate", new { variantId, stocks = new[] { new { warehouse = warehouseId, quantity = 3 } } }));

        var r = await catalog.EnsureProductAsync(Mug("MUG-2"));

        r.Value.Outcome.Should().Be(CatalogOutcome.Unchanged, string.Join("; ", r.Value.Changes));
    }

    [Fact]
    public async Task A_slug_taken_by_another_offering_is_a_conflict()
    {
        var catalog = SaleorShop.Catalog(await SaleorShop.StaffAsync(_sim));
        (await catalog.EnsureProductAsync(SaleorShop.Agent("SLUG-A", 1m, slug: "shared-slug"))).IsSuccess.Should().BeTrue();

        var r = await catalog.EnsureProductAsync(SaleorShop.Agent("SLUG-B", 1m, slug: "shared-slug"));

        r.Error!.Kind.Should().Be(ErrorKind.Conflict);
        r.Error.Message.Should().Contain("SLUG-A");
    }

    [Fact]
    public async Task A_sync_interrupted_after_creating_the_product_is_completed_by_the_next_run()
    {
        var staff = await SaleorShop.StaffAsync(_sim);
        var catalog = SaleorShop.Catalog(staff);
        (await catalog.EnsureFoundationAsync([ProductKind.Agent])).IsSuccess.Should().BeTrue();
        var types = await staff.ExecuteAsync<JsonElement>("ProductTypes", new { slugs = new[] { "ai-agent" } });
        var typeId = types.Value.GetProperty("productTypes").GetProperty("edges")[0].GetProperty("node").GetProperty("id").GetString();
        await Must(staff.ExecuteAsync<JsonElement>("ProductCreate", new { input = new { productType = typeId, name = "Half done", slug = "half-1" } }));

        var r = await catalog.EnsureProductAsync(SaleorShop.Agent("HALF-1", 4m, slug: "half-1"));

        r.Value.Outcome.Should().Be(CatalogOutcome.Updated, "the orphan product is adopted, not duplicated");
        r.Value.Changes.Should().Contain("create variant HALF-1");
        (await catalog.EnsureProductAsync(SaleorShop.Agent("HALF-1", 4m, slug: "half-1"))).Value.Outcome.Should().Be(CatalogOutcome.Unchanged);
    }

    [Fact]
    public async Task A_token_without_catalog_permissions_is_refused_with_the_permission_named()
    {
        var (_, token) = await _sim.CreateAppAsync("orders-only", "MANAGE_ORDERS");

        var r = await SaleorShop.Catalog(SaleorShop.Client(_sim, token)).EnsureProductAsync(SaleorShop.Agent("PERM-1", 1m));

        r.Error!.Kind.Should().Be(ErrorKind.Forbidden);
        r.Error.RequiredPermissions().Should().NotBeEmpty();
        r.Error.Message.Should().MatchRegex("MANAGE_(PRODUCTS|PRODUCT_TYPES_AND_ATTRIBUTES|CHANNELS)");
    }

    [Fact]
    public async Task A_missing_channel_is_named_with_the_ones_that_exist()
    {
        var catalog = SaleorShop.Catalog(await SaleorShop.StaffAsync(_sim), new CatalogOptions { Channel = "eu-channel" });

        var r = await catalog.EnsureProductAsync(SaleorShop.Agent("CH-1", 1m));

        r.Error!.Kind.Should().Be(ErrorKind.NotFound);
        r.Error.Message.Should().Contain("'eu-channel'").And.Contain("default-channel");
    }

    static async Task<JsonElement> ProductAsync(ISaleorClient staff, string slug) =>
        (await staff.ExecuteAsync<JsonElement>("ProductBySlug", new { slug })).Value.GetProperty("product");

    static async Task Must(Task<Result<JsonElement>> call)
    {
        var r = await call;
        r.IsSuccess.Should().BeTrue(r.Error?.ToString());
    }
}
