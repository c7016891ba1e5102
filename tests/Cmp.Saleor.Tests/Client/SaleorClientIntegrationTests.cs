using System.Text.Json;
using Cmp.Hosting.Http;
using Cmp.Primitives;
using Cmp.Saleor.Client;
using Cmp.Saleor.Tests.Support;
using Cmp.Testing;
using Cmp.Testing.Simulators;

namespace Cmp.Saleor.Tests.Client;

/// <summary>The client over real HTTP against the Saleor simulator: data, errors, retries, timeouts, circuit.</summary>
public sealed class SaleorClientIntegrationTests(SaleorSimulatorFixture fixture) : IClassFixture<SaleorSimulatorFixture>, IAsyncLifetime
{
    readonly SaleorSimulator _sim = fixture.Sim;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    /// <summary>Fault rules a test did not use up must not leak into the next test.</summary>
    public async ValueTask DisposeAsync() => await _sim.ClearFaultsAsync();

    [Fact]
    public async Task A_query_returns_typed_records()
    {
        var (_, token) = await _sim.CreateAppAsync("reader", "MANAGE_PRODUCTS");

        var r = await SaleorShop.Client(_sim, token).ExecuteAsync<ChannelsData>("Channels");

        r.Value.Channels.Should().ContainSingle(c => c.Slug == "default-channel" && c.CurrencyCode == "USD" && c.IsActive);
    }

    [Fact]
    public async Task A_mutation_business_error_carries_saleors_code()
    {
        var staff = await SaleorShop.StaffAsync(_sim);
        await SaleorShop.Catalog(staff).EnsureProductAsync(SaleorShop.Agent("BIZ-1", 5m));
        var variant = await SaleorShop.VariantIdAsync(staff, "BIZ-1");
        var buyer = SaleorShop.Client(_sim);
        var checkout = await buyer.ExecuteAsync<JsonElement>("CheckoutCreate", new
        {
            input = new { channel = "default-channel", email = "b@example.com", lines = new[] { new { variantId = variant, quantity = 1 } }, billingAddress = SaleorShop.BuyerAddress },
        });
        var id = checkout.Value.GetProperty("checkoutCreate").GetProperty("checkout").GetProperty("id").GetString();

        var r = await buyer.ExecuteAsync<JsonElement>("CheckoutComplete", new { id });

        r.Error!.Code.Should().Be(SaleorErrorCodes.CheckoutNotFullyPaid);
        r.Error.Kind.Should().Be(ErrorKind.Conflict);
        r.Error.SaleorErrors().Should().ContainSingle(e => e.Code == "CHECKOUT_NOT_FULLY_PAID");
    }

    [Fact]
    public async Task A_missing_permission_is_forbidden_and_names_it()
    {
        var (_, token) = await _sim.CreateAppAsync("weak", "MANAGE_ORDERS");

        var r = await SaleorShop.Client(_sim, token).ExecuteAsync<JsonElement>("ProductTypeCreate",
            new { input = new { name = "X", slug = "x", kind = "NORMAL", isShippingRequired = false } });

        r.Error!.Kind.Should().Be(ErrorKind.Forbidden);
        r.Error.RequiredPermissions().Should().Equal("MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES");
        r.Error.Message.Should().Contain("ProductTypeCreate").And.Contain("MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES");
    }

    [Fact]
    public async Task An_unknown_token_is_anonymous_and_the_error_says_to_check_it()
    {
        var r = await SaleorShop.Client(_sim, "x".PadRight(30, 'x')).ExecuteAsync<JsonElement>("CurrentApp");

        r.Error!.Kind.Should().Be(ErrorKind.Forbidden);
        r.Error.Message.Should().Contain("unknown token");
    }

    [Fact]
    public async Task Queries_are_retried_through_transient_failures()
    {
        var (_, token) = await _sim.CreateAppAsync("retry", "MANAGE_PRODUCTS");
        var counter = new CountingHandler();
        await _sim.GraphQLFaultAsync(status: 503, count: 2, operationName: "Channels");

        var r = await SaleorShop.Client(_sim, token, counter).ExecuteAsync<ChannelsData>("Channels");

        r.IsSuccess.Should().BeTrue(r.Error?.ToString());
        counter.Count.Should().Be(3);
    }

    [Fact]
    public async Task Mutations_are_sent_once_and_a_server_error_is_transient()
    {
        var staff = await SaleorShop.StaffAsync(_sim);
        var counter = new CountingHandler();
        var client = SaleorShop.Client(_sim, null, counter).WithToken(await StaffTokenAsync());
        await _sim.GraphQLFaultAsync(status: 503, count: 1, operationName: "CategoryCreate");

        var r = await client.ExecuteAsync<JsonElement>("CategoryCreate", new { input = new { name = "Once", slug = "once" } });

        r.Error!.Kind.Should().Be(ErrorKind.Transient);
        r.Error.Code.Should().Be(SaleorErrorCodes.Unavailable);
        counter.Count.Should().Be(1);
        var after = await staff.ExecuteAsync<JsonElement>("CategoryBySlug", new { slug = "once" });
        after.Value.GetProperty("category").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public async Task A_mutation_declared_idempotent_is_retried()
    {
        var staff = await SaleorShop.StaffAsync(_sim);
        await SaleorShop.Catalog(staff).EnsureProductAsync(SaleorShop.Agent("IDEM-1", 2m));
        var product = (await staff.ExecuteAsync<JsonElement>("ProductBySku", new { sku = "IDEM-1" })).Value.GetProperty("productVariant").GetProperty("product").GetProperty("id").GetString();
        var counter = new CountingHandler();
        var client = SaleorShop.Client(_sim, null, counter).WithToken(await StaffTokenAsync());
        await _sim.GraphQLFaultAsync(status: 503, count: 2, operationName: "UpdateMetadata");

        var r = await client.ExecuteAsync<JsonElement>("UpdateMetadata", new { id = product, input = new[] { new { key = "team.note", value = "x" } } });

        r.IsSuccess.Should().BeTrue(r.Error?.ToString());
        counter.Count.Should().Be(3);
    }

    [Fact]
    public async Task A_slow_saleor_times_out_as_transient()
    {
        var resilience = SaleorShop.FastResilience();
        resilience.AttemptTimeout = TimeSpan.FromMilliseconds(300);
        resilience.MaxRetries = 0;
        await _sim.GraphQLFaultAsync(delayMs: 3000, count: 1, operationName: "ShopInfo");

        var r = await SaleorShop.Client(_sim, resilience: resilience).ExecuteAsync<JsonElement>("ShopInfo");

        r.Error!.Kind.Should().Be(ErrorKind.Transient);
        r.Error.Code.Should().Be(SaleorErrorCodes.Timeout);
    }

    [Fact]
    public async Task An_unreachable_saleor_is_transient()
    {
        var client = SaleorClientFactory.Create(new Uri($"http://127.0.0.1:{FreePort.Next()}/graphql/"), resilience: SaleorShop.FastResilience());

        var r = await client.ExecuteAsync<JsonElement>("ShopInfo");

        r.Error!.Kind.Should().Be(ErrorKind.Transient);
        r.Error.Code.Should().Be(SaleorErrorCodes.Unreachable);
    }

    [Fact]
    public async Task Repeated_failures_open_the_circuit_and_calls_fail_fast_as_transient()
    {
        var resilience = SaleorShop.FastResilience();
        resilience.MinimumThroughput = 2;
        resilience.MaxRetries = 0;
        resilience.BreakDuration = TimeSpan.FromSeconds(30);
        var counter = new CountingHandler();
        var client = SaleorShop.Client(_sim, null, counter, resilience);
        await _sim.GraphQLFaultAsync(status: 503, count: 10, operationName: "ShopInfo");

        var results = new List<Result<JsonElement>>();
        for (var i = 0; i < 4; i++) results.Add(await client.ExecuteAsync<JsonElement>("ShopInfo"));

        results.Should().OnlyContain(r => !r.IsSuccess && r.Error!.Kind == ErrorKind.Transient);
        results.Last().Error!.Code.Should().Be(SaleorErrorCodes.CircuitOpen);
        counter.Count.Should().BeLessThan(4, "an open circuit sends nothing");
    }

    [Fact]
    public async Task Variables_and_tokens_never_reach_the_log()
    {
        var logger = new ListLogger();
        var client = SaleorClientFactory.Create(_sim.ApiUrl, "secret-app-token-000000000000", SaleorShop.FastResilience(), logger);

        await client.ExecuteAsync<JsonElement>("TokenCreate", new { email = SaleorSimulator.AdminEmail, password = "wrong-password-123" });

        logger.Lines.Should().ContainSingle(l => l.Contains("TokenCreate", StringComparison.Ordinal) && l.Contains("invalid_credentials", StringComparison.Ordinal));
        logger.Lines.Should().NotContain(l => l.Contains("wrong-password-123", StringComparison.Ordinal) || l.Contains("secret-app-token", StringComparison.Ordinal)
                                              || l.Contains(SaleorSimulator.AdminEmail, StringComparison.Ordinal));
    }

    async Task<string> StaffTokenAsync()
    {
        var r = await SaleorShop.Client(_sim).ExecuteAsync<SaleorShop.TokenData>("TokenCreate",
            new { email = SaleorSimulator.AdminEmail, password = SaleorSimulator.AdminPassword });
        return r.Value.TokenCreate.Token!;
    }

    sealed record ChannelsData(IReadOnlyList<SaleorChannel> Channels);
}
