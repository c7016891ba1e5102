using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cmp.Primitives;
using Cmp.Saleor.Catalog;
using Cmp.Saleor.Client;
using Cmp.Saleor.GraphQL;
using Cmp.Saleor.Tests.Support;
using Cmp.Saleor.Webhooks;
using Cmp.Testing;
using Cmp.Testing.Simulators;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Cmp.Saleor.Tests.Webhooks;

/// <summary>
/// Real deliveries from the Saleor simulator (its own signing code, Saleor's headers and Python json.dumps bodies)
/// to a loopback receiver, checked by the verifier; then forged, tampered, re-serialised, foreign and rotated ones.
/// </summary>
public sealed class SaleorWebhookVerifierIntegrationTests(SaleorWebhookVerifierIntegrationTests.Shop shop)
    : IClassFixture<SaleorWebhookVerifierIntegrationTests.Shop>
{
    /// <summary>A shop with an agent and a credit pack, and an app (MANAGE_ORDERS, HANDLE_PAYMENTS) whose four order
    /// webhooks point at a loopback receiver.</summary>
    public sealed class Shop : SaleorSimulatorFixture
    {
        public WebhookSink Sink { get; private set; } = null!;
        public ISaleorClient App { get; private set; } = null!;
        public string AgentVariant { get; private set; } = "";
        public string CreditsVariant { get; private set; } = "";

        public override async ValueTask InitializeAsync()
        {
            await base.InitializeAsync();
            Sink = await WebhookSink.StartAsync();
            var staff = await SaleorShop.StaffAsync(Sim);
            var catalog = SaleorShop.Catalog(staff);
            (await catalog.EnsureProductAsync(SaleorShop.Agent("HOOK-AGENT", 19.99m))).IsSuccess.Should().BeTrue();
            (await catalog.EnsureProductAsync(new ProductSpec
            {
                Sku = "HOOK-CREDITS", Name = "Hook credits", Slug = "hook-credits", Kind = ProductKind.Credits,
                Price = Money.FromMajor(10m, "USD").Value, Metadata = new Dictionary<string, string> { [CatalogMetadata.Credits] = "100" },
            })).IsSuccess.Should().BeTrue();
            AgentVariant = await SaleorShop.VariantIdAsync(staff, "HOOK-AGENT");
            CreditsVariant = await SaleorShop.VariantIdAsync(staff, "HOOK-CREDITS");
            var (_, token) = await Sim.CreateAppAsync("cmp-test", "MANAGE_ORDERS", "HANDLE_PAYMENTS");
            App = SaleorShop.Client(Sim, token);
            foreach (var hook in SaleorWebhooks.All) await CreateWebhookAsync(hook, Sink.Url);
        }

        public async Task CreateWebhookAsync(SaleorWebhookDefinition hook, Uri receiver, string? secretKey = null)
        {
            var r = await App.ExecuteAsync<JsonElement>("WebhookCreate", new
            {
                input = new
                {
                    name = hook.Name,
                    targetUrl = hook.TargetUrl(receiver).ToString(),
                    asyncEvents = new[] { hook.AsyncEvent },
                    query = SaleorOperations.Default.Get(hook.SubscriptionOperation).Document,
                    isActive = true,
                    secretKey,
                },
            });
            r.IsSuccess.Should().BeTrue(r.Error?.ToString());
        }

        public override async ValueTask DisposeAsync()
        {
            await Sink.DisposeAsync();
            await base.DisposeAsync();
        }
    }

    readonly SaleorSimulator _sim = shop.Sim;
    readonly WebhookSink _sink = shop.Sink;
    readonly ISaleorClient _app = shop.App;
    readonly string _agentVariant = shop.AgentVariant;
    readonly string _creditsVariant = shop.CreditsVariant;

    SaleorOptions Options(Action<SaleorOptions>? change = null)
    {
        var o = new SaleorOptions { ApiUrl = _sim.ApiUrl, JwksMinRefetchInterval = TimeSpan.Zero };
        change?.Invoke(o);
        return o;
    }

    (SaleorWebhookVerifier Verifier, SaleorJwks Keys) Verifier(SaleorOptions? options = null)
    {
        var o = options ?? Options();
        var http = new HttpClient();
        var keys = new SaleorJwks(() => http, o, TimeProvider.System, NullLogger<SaleorJwks>.Instance);
        return (new SaleorWebhookVerifier(Microsoft.Extensions.Options.Options.Create(o), keys, NullLogger<SaleorWebhookVerifier>.Instance), keys);
    }

    static SaleorWebhookRequest Request(ReceivedWebhook w, byte[]? body = null, string? signature = null, string? domain = null, string? apiUrl = null) => new(
        body ?? w.Body,
        signature ?? w.Header("Saleor-Signature"),
        w.Header("Saleor-Event"),
        domain ?? w.Header("Saleor-Domain"),
        apiUrl ?? w.Header("Saleor-Api-Url"));

    async Task<(string OrderId, ReceivedWebhook Delivery)> PaidOrderDeliveryAsync(string email = "buyer@example.com")
    {
        var (orderId, _, _, _) = await SaleorShop.PaidOrderAsync(_sim, _app, email, (_agentVariant, 2), (_creditsVariant, 1));
        var delivery = await _sink.WaitForAsync(w => w.Path.EndsWith("order_fully_paid", StringComparison.Ordinal) && Encoding.UTF8.GetString(w.Body).Contains(orderId, StringComparison.Ordinal),
            $"ORDER_FULLY_PAID for {orderId}");
        return (orderId, delivery);
    }

    [Fact]
    public async Task A_real_delivery_verifies_and_parses_into_a_typed_order_event()
    {
        var (orderId, delivery) = await PaidOrderDeliveryAsync("ada@example.com");
        var (verifier, _) = Verifier();

        var verified = await verifier.VerifyAsync(Request(delivery));

        verified.IsSuccess.Should().BeTrue(verified.Error?.ToString());
        verified.Value.Mode.Should().Be(SaleorSignatureMode.Jws);
        verified.Value.Event.Should().Be("order_fully_paid");
        verified.Value.KeyId.Should().Be((await _sim.JwksAsync()).GetProperty("keys")[0].GetProperty("kid").GetString());
        delivery.Path.Should().Be(SaleorWebhooks.OrderFullyPaid.Path);

        var parsed = SaleorOrderEvents.Parse(verified.Value);
        var e = parsed.Value;
        e.Type.Should().Be(SaleorOrderEventType.OrderFullyPaid);
        e.IssuedAt.Should().NotBeNull();
        e.Order.Id.Should().Be(orderId);
        e.Order.Number.Should().NotBeEmpty();
        e.Order.UserEmail.Should().Be("ada@example.com");
        e.Order.ChannelSlug.Should().Be("default-channel");
        e.Order.ChargeStatus.Should().Be("FULL");
        e.Order.Total.Should().Be(new Money(2 * 1999 + 1000, "USD"));
        e.Order.Lines.Select(l => (l.Sku, l.Quantity)).Should().BeEquivalentTo([("HOOK-AGENT", 2), ("HOOK-CREDITS", 1)]);
        var agent = e.Order.Lines.Single(l => l.Sku == "HOOK-AGENT");
        agent.VariantId.Should().Be(_agentVariant);
        agent.ProductSlug.Should().Be("hook-agent");
        agent.ProductMetadata.Should().Contain(CatalogMetadata.Kind, "agent").And.Contain(CatalogMetadata.FlowTemplate, "support-agent");
        e.Order.Lines.Single(l => l.Sku == "HOOK-CREDITS").ProductMetadata.Should().Contain(CatalogMetadata.Credits, "100");
    }

    [Fact]
    public async Task A_tampered_body_is_refused()
    {
        var (_, delivery) = await PaidOrderDeliveryAsync();
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(delivery.Body).Replace("\"quantity\": 2", "\"quantity\": 9", StringComparison.Ordinal));
        tampered.Should().NotEqual(delivery.Body);

        var r = await Verifier().Verifier.VerifyAsync(Request(delivery, body: tampered));

        r.Error!.Code.Should().Be(SaleorWebhookErrors.SignatureInvalid);
        r.Error.Kind.Should().Be(ErrorKind.Unauthorized);
    }

    [Fact]
    public async Task A_reserialised_body_is_refused_even_though_it_means_the_same()
    {
        var (_, delivery) = await PaidOrderDeliveryAsync();
        var reserialised = JsonSerializer.SerializeToUtf8Bytes(JsonSerializer.Deserialize<JsonElement>(delivery.Body));
        reserialised.Should().NotEqual(delivery.Body, "Saleor writes Python json.dumps separators");

        var r = await Verifier().Verifier.VerifyAsync(Request(delivery, body: reserialised));

        r.Error!.Code.Should().Be(SaleorWebhookErrors.SignatureInvalid);
    }

    [Fact]
    public async Task A_forged_signature_is_refused_whether_it_reuses_saleors_key_id_or_not()
    {
        var (_, delivery) = await PaidOrderDeliveryAsync();
        var realKid = (await _sim.JwksAsync()).GetProperty("keys")[0].GetProperty("kid").GetString()!;
        using var attacker = RSA.Create(2048);
        var (verifier, _) = Verifier();

        var sameKid = await verifier.VerifyAsync(Request(delivery, signature: DetachedJws.Sign(attacker, realKid, delivery.Body)));
        var ownKid = await verifier.VerifyAsync(Request(delivery, signature: DetachedJws.Sign(attacker, "attacker-key", delivery.Body)));

        sameKid.Error!.Code.Should().Be(SaleorWebhookErrors.SignatureInvalid);
        ownKid.Error!.Code.Should().Be(SaleorWebhookErrors.KeyUnknown);
    }

    [Theory]
    [InlineData("", SaleorWebhookErrors.SignatureMissing)]
    [InlineData("not-a-jws", SaleorWebhookErrors.SignatureMalformed)]
    [InlineData("eyJhbGciOiJub25lIn0..c2ln", SaleorWebhookErrors.SignatureMalformed)] // {"alg":"none"}
    [InlineData("eyJhbGciOiJSUzI1NiJ9.eyJhIjoxfQ.c2ln", SaleorWebhookErrors.SignatureMalformed)] // attached payload
    public async Task Missing_and_malformed_signatures_are_named(string signature, string code)
    {
        var (_, delivery) = await PaidOrderDeliveryAsync();

        var r = await Verifier().Verifier.VerifyAsync(Request(delivery, signature: signature));

        r.Error!.Code.Should().Be(code);
    }

    [Fact]
    public async Task A_delivery_claiming_another_saleor_is_refused_before_any_key_is_fetched()
    {
        var (_, delivery) = await PaidOrderDeliveryAsync();
        var (verifier, keys) = Verifier();

        var wrongApi = await verifier.VerifyAsync(Request(delivery, apiUrl: "https://evil.example.com/graphql/"));
        var noApi = await verifier.VerifyAsync(Request(delivery) with { ApiUrl = null });
        var wrongDomain = await verifier.VerifyAsync(Request(delivery, domain: "evil.example.com"));

        wrongApi.Error!.Code.Should().Be(SaleorWebhookErrors.ApiUrlMismatch);
        wrongApi.Error.Kind.Should().Be(ErrorKind.Forbidden);
        noApi.Error!.Code.Should().Be(SaleorWebhookErrors.ApiUrlMissing);
        wrongDomain.Error!.Code.Should().Be(SaleorWebhookErrors.DomainMismatch);
        keys.FetchCount.Should().Be(0, "keys come from the configured Saleor only, and only once the origin matches");
    }

    [Fact]
    public async Task After_a_key_rotation_an_old_signature_is_refused_by_a_fresh_verifier()
    {
        var (_, delivery) = await PaidOrderDeliveryAsync();
        await _sim.RotateKeysAsync();

        var r = await Verifier().Verifier.VerifyAsync(Request(delivery));

        r.Error!.Code.Should().Be(SaleorWebhookErrors.KeyUnknown);
    }

    [Fact]
    public async Task A_rotation_is_followed_by_one_refetch_and_an_unknown_key_is_not_fetched_again()
    {
        var (verifier, keys) = Verifier(Options(o => o.UnknownKeyRetryAfter = TimeSpan.FromMinutes(5)));
        var (_, before) = await PaidOrderDeliveryAsync("before@example.com");
        (await verifier.VerifyAsync(Request(before))).IsSuccess.Should().BeTrue();
        keys.FetchCount.Should().Be(1);

        await _sim.RotateKeysAsync();
        var (_, after) = await PaidOrderDeliveryAsync("after@example.com");
        var afterRotation = await verifier.VerifyAsync(Request(after));
        var again = await verifier.VerifyAsync(Request(after));

        afterRotation.IsSuccess.Should().BeTrue(afterRotation.Error?.ToString());
        again.IsSuccess.Should().BeTrue();
        keys.FetchCount.Should().Be(2, "the new kid caused exactly one refetch");

        var old1 = await verifier.VerifyAsync(Request(before));
        var old2 = await verifier.VerifyAsync(Request(before));
        old1.Error!.Code.Should().Be(SaleorWebhookErrors.KeyUnknown);
        old2.Error!.Code.Should().Be(SaleorWebhookErrors.KeyUnknown);
        keys.FetchCount.Should().Be(3, "the retired kid is looked up once, then refused from memory");
    }

    [Fact]
    public async Task Unknown_key_ids_arriving_faster_than_the_refetch_limit_are_transient_so_saleor_retries()
    {
        var (_, delivery) = await PaidOrderDeliveryAsync();
        var (verifier, keys) = Verifier(Options(o => o.JwksMinRefetchInterval = TimeSpan.FromMinutes(1)));
        (await verifier.VerifyAsync(Request(delivery))).IsSuccess.Should().BeTrue();
        using var other = RSA.Create(2048);

        var r = await verifier.VerifyAsync(Request(delivery, signature: DetachedJws.Sign(other, "rotated-kid", delivery.Body)));

        r.Error!.Code.Should().Be(SaleorWebhookErrors.KeysThrottled);
        r.Error.Kind.Should().Be(ErrorKind.Transient);
        keys.FetchCount.Should().Be(1);
    }

    [Fact]
    public async Task Keys_that_cannot_be_fetched_make_the_delivery_transient()
    {
        var (_, delivery) = await PaidOrderDeliveryAsync();
        var down = new Uri($"http://127.0.0.1:{FreePort.Next()}/graphql/");
        var (verifier, _) = Verifier(new SaleorOptions { ApiUrl = down, JwksMinRefetchInterval = TimeSpan.Zero });

        var r = await verifier.VerifyAsync(Request(delivery, domain: $"127.0.0.1:{down.Port}", apiUrl: down.ToString()));

        r.Error!.Code.Should().Be(SaleorWebhookErrors.KeysUnavailable);
        r.Error.Kind.Should().Be(ErrorKind.Transient);
    }

    [Fact]
    public async Task Legacy_hmac_deliveries_verify_with_the_configured_secret_only()
    {
        await using var hmacSink = await WebhookSink.StartAsync();
        await shop.CreateWebhookAsync(SaleorWebhooks.OrderFullyPaid with { Name = "hmac-hook" }, hmacSink.Url, secretKey: "s3cret");
        var (orderId, jwsDelivery) = await PaidOrderDeliveryAsync();
        var delivery = await hmacSink.WaitForAsync(w => Encoding.UTF8.GetString(w.Body).Contains(orderId, StringComparison.Ordinal), "HMAC delivery");
        delivery.Header("Saleor-Signature").Should().MatchRegex("^[0-9a-f]{64}$");

        var ok = await Verifier(Options(o => o.WebhookSecret = "s3cret")).Verifier.VerifyAsync(Request(delivery));
        var wrongSecret = await Verifier(Options(o => o.WebhookSecret = "other")).Verifier.VerifyAsync(Request(delivery));
        var jwsWhileHmac = await Verifier(Options(o => o.WebhookSecret = "s3cret")).Verifier.VerifyAsync(Request(jwsDelivery));

        ok.Value.Mode.Should().Be(SaleorSignatureMode.Hmac);
        wrongSecret.Error!.Code.Should().Be(SaleorWebhookErrors.SignatureInvalid);
        jwsWhileHmac.Error!.Message.Should().Contain("HMAC signature is expected");
    }

    [Fact]
    public async Task Refund_and_cancellation_deliveries_verify_and_parse()
    {
        var (verifier, _) = Verifier();
        var (refunded, transaction, psp, total) = await SaleorShop.PaidOrderAsync(_sim, _app, "refund@example.com", (_agentVariant, 1));
        var grant = await _app.ExecuteAsync<JsonElement>("OrderGrantRefundCreate",
            new { id = refunded, input = new { amount = total, reason = "test", transactionId = transaction } });
        grant.IsSuccess.Should().BeTrue(grant.Error?.ToString());
        var report = await _app.ExecuteAsync<JsonElement>("TransactionEventReport",
            new { id = transaction, type = "REFUND_SUCCESS", amount = total, pspReference = psp + "-refund" });
        report.IsSuccess.Should().BeTrue(report.Error?.ToString());
        var (cancelled, _, _, _) = await SaleorShop.PaidOrderAsync(_sim, _app, "cancel@example.com", (_creditsVariant, 3));
        (await _app.ExecuteAsync<JsonElement>("OrderCancel", new { id = cancelled })).IsSuccess.Should().BeTrue();

        foreach (var (hook, orderId, type) in new[]
                 {
                     (SaleorWebhooks.OrderRefunded, refunded, SaleorOrderEventType.OrderRefunded),
                     (SaleorWebhooks.OrderFullyRefunded, refunded, SaleorOrderEventType.OrderFullyRefunded),
                     (SaleorWebhooks.OrderCancelled, cancelled, SaleorOrderEventType.OrderCancelled),
                 })
        {
            var delivery = await _sink.WaitForAsync(w => w.Path == hook.Path && Encoding.UTF8.GetString(w.Body).Contains(orderId, StringComparison.Ordinal), hook.Name);
            var verified = await verifier.VerifyAsync(Request(delivery));
            verified.IsSuccess.Should().BeTrue(verified.Error?.ToString());
            var e = SaleorOrderEvents.Parse(verified.Value).Value;
            e.Type.Should().Be(type);
            e.Order.Id.Should().Be(orderId);
        }
    }
}
