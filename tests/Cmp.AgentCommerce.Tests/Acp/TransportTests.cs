using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cmp.AgentCommerce.Tests.Harness;

namespace Cmp.AgentCommerce.Tests.Acp;

/// <summary>Headers, authentication, versioning, errors and discovery (conformance checklist A 2–11, I 87–91, M 119–121).</summary>
public sealed class TransportTests(CommerceWorld world)
{
    public static TheoryData<string> Versions => new() { "2025-09-29", "2026-04-17" };

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-key")]
    public async Task Without_a_known_api_key_nothing_happens_and_the_answer_is_401(string? key)
    {
        using var acp = world.Gateway.Acp("2026-04-17", key);
        var r = await acp.CreateAsync(AcpBodies.Create("2026-04-17", ("CSA-PRO", 1)));
        r.Status.Should().Be(401, "checklist 2");
        r.Body.GetProperty("type").GetString().Should().Be("invalid_request");
        r.Header("WWW-Authenticate").Should().StartWith("Bearer");
        (await acp.GetAsync("cs_x")).Status.Should().Be(401);
    }

    [Fact]
    public async Task A_buyers_keycloak_token_does_not_open_the_checkout_api()
    {
        using var acp = world.Gateway.Acp("2026-04-17", await world.Identity.BuyerTokenAsync());
        (await acp.CreateAsync(AcpBodies.Create("2026-04-17", ("CSA-PRO", 1)))).Status.Should().Be(401, "checkout is for agent platforms' API keys");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_missing_or_unsupported_api_version_is_a_400_listing_the_supported_versions_newest_first(bool missing)
    {
        using var acp = world.Gateway.Acp(missing ? "2026-04-17" : "1999-01-01");
        var r = await acp.SendAsync(HttpMethod.Post, "/acp/checkout_sessions", AcpBodies.Create("2026-04-17", ("CSA-PRO", 1)), omitVersion: missing);
        r.Status.Should().Be(400, "checklist 3, 4");
        r.Code.Should().Be(missing ? "missing_api_version" : "unsupported_api_version");
        r.Body.GetProperty("supported_versions").EnumerateArray().Select(v => v.GetString()).Should().Equal("2026-04-17", "2025-09-29");
        using var get = world.Gateway.Acp("2025-12-12");
        (await get.GetAsync("cs_x")).Code.Should().Be("unsupported_api_version", "an unreleased-here intermediate version is not spoken");
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task Each_version_answers_in_its_own_shape(string version)
    {
        using var acp = world.Gateway.Acp(version);
        var r = await acp.CreateAsync(AcpBodies.Create(version, AcpBodies.Buyer(), AcpBodies.Address(), ("CMP-MUG", 1)));
        var v0929 = version == "2025-09-29";
        r.Body.TryGetProperty("fulfillment_address", out _).Should().Be(v0929, "checklist 5");
        r.Body.TryGetProperty("fulfillment_details", out _).Should().Be(!v0929);
        r.Body.TryGetProperty("payment_provider", out _).Should().Be(v0929);
        r.Body.TryGetProperty("capabilities", out _).Should().Be(!v0929);
        (await acp.GetAsync(r.Id)).Body.TryGetProperty("fulfillment_option_id", out _).Should().Be(v0929);
    }

    [Fact]
    public async Task A_session_created_in_one_version_can_be_read_in_the_other()
    {
        using var old = world.Gateway.Acp("2025-09-29");
        using var current = world.Gateway.Acp("2026-04-17");
        var created = await old.CreateAsync(AcpBodies.Create("2025-09-29", ("CSA-PRO", 1)));
        var read = await current.GetAsync(created.Id);
        read.Status.Should().Be(200);
        read.Body.GetProperty("protocol").GetProperty("version").GetString().Should().Be("2026-04-17");
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task Request_Id_is_echoed_on_success_and_on_errors(string version)
    {
        using var acp = world.Gateway.Acp(version);
        var headers = new Dictionary<string, string> { ["Request-Id"] = "req_trace_42" };
        (await acp.CreateAsync(AcpBodies.Create(version, ("CSA-PRO", 1)), headers: headers)).Header("Request-Id").Should().Be("req_trace_42", "checklist 6");
        (await acp.GetAsync("cs_nope", headers)).Header("Request-Id").Should().Be("req_trace_42");
    }

    [Fact]
    public async Task Accept_Language_fr_speaks_french_in_messages_and_errors()
    {
        using var acp = world.Gateway.Acp("2026-04-17");
        var fr = new Dictionary<string, string> { ["Accept-Language"] = "fr-FR, en;q=0.5" };
        var r = await acp.CreateAsync(AcpBodies.Create("2026-04-17", ("CSA-PRO", 1)), headers: fr);
        r.Message("missing").GetProperty("content").GetString().Should().Contain("adresse e-mail", "checklist 7");
        r.Header("Content-Language").Should().Be("fr-FR");
        r.Body.GetProperty("totals").EnumerateArray().Single(t => t.GetProperty("type").GetString() == "subtotal").GetProperty("display_text").GetString().Should().Be("Sous-total");
        (await acp.GetAsync("cs_nope", fr)).Body.GetProperty("message").GetString().Should().Contain("n'existe pas");
        var en = await acp.CreateAsync(AcpBodies.Create("2026-04-17", ("CSA-PRO", 1)), headers: new Dictionary<string, string> { ["Accept-Language"] = "de-DE" });
        en.Message("missing").GetProperty("content").GetString().Should().Contain("e-mail address", "unsupported locales fall back to English");
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task Malformed_JSON_is_a_400_invalid_request(string version)
    {
        using var acp = world.Gateway.Acp(version);
        var r = await acp.SendAsync(HttpMethod.Post, "/acp/checkout_sessions", "{\"items\": [", headers: null);
        r.Status.Should().Be(400, "checklist 90");
        r.Body.GetProperty("type").GetString().Should().Be("invalid_request");
        r.Code.Should().Be("invalid_json");
    }

    [Fact]
    public async Task An_unknown_path_under_the_base_is_an_acp_404()
    {
        using var acp = world.Gateway.Acp("2026-04-17");
        var r = await acp.SendAsync(HttpMethod.Get, "/acp/orders/nope", null);
        r.Status.Should().Be(404);
        r.Body.GetProperty("type").GetString().Should().Be("invalid_request", "every ACP error is a flat Error (checklist 87)");
    }

    [Fact]
    public async Task The_discovery_document_is_public_cacheable_and_valid()
    {
        using var http = world.Gateway.Service.CreateHttpClient();
        using var response = await http.GetAsync("/.well-known/acp.json");
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.OK, "no auth (checklist 119)");
        response.Headers.CacheControl!.Public.Should().BeTrue("checklist 120");
        response.Headers.CacheControl.MaxAge.Should().Be(TimeSpan.FromHours(1));
        var doc = await response.Content.ReadFromJsonAsync<JsonElement>();
        await world.Schemas.AssertValidAsync("2026-04-17", "agentic_checkout", "DiscoveryResponse", doc);
        doc.GetProperty("protocol").GetProperty("name").GetString().Should().Be("acp");
        doc.GetProperty("protocol").GetProperty("supported_versions").EnumerateArray().Select(v => v.GetString()).Should().Equal("2025-09-29", "2026-04-17");
        doc.GetProperty("transports").EnumerateArray().Select(v => v.GetString()).Should().Contain("rest");
        doc.GetProperty("api_base_url").GetString().Should().EndWith("/acp");
        doc.GetProperty("capabilities").GetProperty("services").EnumerateArray().Select(v => v.GetString()).Should().Contain("checkout");
        doc.ToString().Should().NotContain(CommerceWorld.MerchantId, "no merchant ids (checklist 120)");
    }

    [Fact]
    public async Task Signed_requests_are_verified_when_the_platform_has_a_signing_secret()
    {
        const string secret = "platform-signing-secret";
        await using var gateway = await world.StartGatewayAsync(new() { ["Acp:Platforms:0:SigningSecret"] = secret });
        using var acp = gateway.Acp("2026-04-17");
        // Already canonical (sorted members, no spaces), so the HMAC below needs no canonicalizer of ours.
        const string canonical = "{\"capabilities\":{},\"currency\":\"usd\",\"line_items\":[{\"id\":\"CSA-PRO\"}]}";
        const string spaced = "{ \"line_items\": [ { \"id\": \"CSA-PRO\" } ], \"currency\": \"usd\", \"capabilities\": { } }";
        string Sign(string ts, string body) => Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(ts + "." + body)))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

        var unsigned = await acp.SendAsync(HttpMethod.Post, "/acp/checkout_sessions", canonical);
        unsigned.Status.Should().Be(401, "checklist 10: the merchant enforces signatures");
        unsigned.Code.Should().Be("signature_required");

        var signed = await acp.SendAsync(HttpMethod.Post, "/acp/checkout_sessions", spaced,
            headers: new Dictionary<string, string> { ["Signature"] = Sign(now, canonical), ["Timestamp"] = now });
        signed.Status.Should().Be(201, "the signature covers the canonical body, whatever the spacing and member order");

        var tampered = await acp.SendAsync(HttpMethod.Post, "/acp/checkout_sessions", canonical.Replace("CSA-PRO", "KBA-PRO", StringComparison.Ordinal),
            headers: new Dictionary<string, string> { ["Signature"] = Sign(now, canonical), ["Timestamp"] = now });
        tampered.Code.Should().Be("invalid_signature");

        var stale = DateTimeOffset.UtcNow.AddMinutes(-10).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var old = await acp.SendAsync(HttpMethod.Post, "/acp/checkout_sessions", canonical,
            headers: new Dictionary<string, string> { ["Signature"] = Sign(stale, canonical), ["Timestamp"] = stale });
        old.Code.Should().Be("timestamp_out_of_range", "outside the clock-skew window");

        var get = await acp.GetAsync(signed.Id, new Dictionary<string, string> { ["Signature"] = Sign(now, ""), ["Timestamp"] = now });
        get.Status.Should().Be(200, "a GET signs the empty body");
    }
}
