using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Cmp.Primitives;
using Cmp.Saleor.Tests.Support;
using Cmp.Saleor.Webhooks;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cmp.Saleor.Tests.Webhooks;

/// <summary>Caching and refetch limits of the signing keys, with a scripted JWKS endpoint and a hand-moved clock.</summary>
public sealed class SaleorJwksTests : IDisposable
{
    readonly RSA _key1 = RSA.Create(2048);
    readonly RSA _key2 = RSA.Create(2048);
    readonly TestClock _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    readonly ScriptedJwks _endpoint = new();

    public void Dispose()
    {
        _key1.Dispose();
        _key2.Dispose();
    }

    SaleorJwks Keys(Action<SaleorOptions>? change = null)
    {
        var o = new SaleorOptions
        {
            ApiUrl = new Uri("https://shop.example.com/graphql/"),
            JwksCacheDuration = TimeSpan.FromMinutes(30),
            JwksMinRefetchInterval = TimeSpan.FromSeconds(2),
            UnknownKeyRetryAfter = TimeSpan.FromMinutes(5),
        };
        change?.Invoke(o);
        var http = new HttpClient(_endpoint);
        return new SaleorJwks(() => http, o, _clock, NullLogger<SaleorJwks>.Instance);
    }

    static string Jwk(RSA key, string kid, string kty = "RSA", string use = "sig", string alg = "RS256")
    {
        var p = key.ExportParameters(false);
        return $$"""{"kty":"{{kty}}","key_ops":["verify"],"n":"{{Base64Url.EncodeToString(p.Modulus)}}","e":"{{Base64Url.EncodeToString(p.Exponent)}}","use":"{{use}}","kid":"{{kid}}","alg":"{{alg}}"}""";
    }

    [Fact]
    public async Task Keys_are_fetched_from_the_configured_origin_and_cached()
    {
        _endpoint.Body = $$"""{"keys":[{{Jwk(_key1, "k1")}}]}""";
        var keys = Keys();

        (await keys.GetAsync("k1", default)).Value.Modulus.Should().Equal(_key1.ExportParameters(false).Modulus);
        (await keys.GetAsync("k1", default)).IsSuccess.Should().BeTrue();

        _endpoint.Requests.Should().Equal(new Uri("https://shop.example.com/.well-known/jwks.json"));
    }

    [Fact]
    public async Task Cached_keys_expire()
    {
        _endpoint.Body = $$"""{"keys":[{{Jwk(_key1, "k1")}}]}""";
        var keys = Keys();
        await keys.GetAsync("k1", default);

        _clock.Advance(TimeSpan.FromMinutes(31));
        await keys.GetAsync("k1", default);

        _endpoint.Requests.Should().HaveCount(2);
    }

    [Fact]
    public async Task An_unknown_kid_is_looked_up_once_then_refused_until_the_retry_window_passes()
    {
        _endpoint.Body = $$"""{"keys":[{{Jwk(_key1, "k1")}}]}""";
        var keys = Keys();
        await keys.GetAsync("k1", default);
        _clock.Advance(TimeSpan.FromSeconds(3));

        var first = await keys.GetAsync("forged", default);
        _clock.Advance(TimeSpan.FromSeconds(3));
        var second = await keys.GetAsync("forged", default);
        _clock.Advance(TimeSpan.FromMinutes(6));
        var later = await keys.GetAsync("forged", default);

        first.Error!.Code.Should().Be(SaleorWebhookErrors.KeyUnknown);
        second.Error!.Code.Should().Be(SaleorWebhookErrors.KeyUnknown);
        later.Error!.Code.Should().Be(SaleorWebhookErrors.KeyUnknown);
        _endpoint.Requests.Should().HaveCount(3, "initial fetch, one lookup for the unknown kid, one after its retry window");
    }

    [Fact]
    public async Task A_rotated_key_is_picked_up_and_the_retired_one_dropped()
    {
        _endpoint.Body = $$"""{"keys":[{{Jwk(_key1, "k1")}}]}""";
        var keys = Keys();
        await keys.GetAsync("k1", default);
        _clock.Advance(TimeSpan.FromSeconds(3));
        _endpoint.Body = $$"""{"keys":[{{Jwk(_key2, "k2")}}]}""";

        (await keys.GetAsync("k2", default)).IsSuccess.Should().BeTrue();
        _clock.Advance(TimeSpan.FromSeconds(3));
        (await keys.GetAsync("k1", default)).Error!.Code.Should().Be(SaleorWebhookErrors.KeyUnknown);
    }

    [Fact]
    public async Task Lookups_within_the_refetch_interval_are_transient()
    {
        _endpoint.Body = $$"""{"keys":[{{Jwk(_key1, "k1")}}]}""";
        var keys = Keys();
        await keys.GetAsync("k1", default);

        var r = await keys.GetAsync("k2", default);

        r.Error!.Code.Should().Be(SaleorWebhookErrors.KeysThrottled);
        r.Error.Kind.Should().Be(ErrorKind.Transient);
        _endpoint.Requests.Should().HaveCount(1);
    }

    [Fact]
    public async Task A_known_key_keeps_working_while_the_jwks_is_unreachable()
    {
        _endpoint.Body = $$"""{"keys":[{{Jwk(_key1, "k1")}}]}""";
        var keys = Keys();
        await keys.GetAsync("k1", default);
        _clock.Advance(TimeSpan.FromMinutes(31));
        _endpoint.Status = HttpStatusCode.ServiceUnavailable;

        (await keys.GetAsync("k1", default)).IsSuccess.Should().BeTrue();
        _clock.Advance(TimeSpan.FromSeconds(3));
        var unknown = await keys.GetAsync("k2", default);
        unknown.Error!.Code.Should().Be(SaleorWebhookErrors.KeysUnavailable);
        unknown.Error.Kind.Should().Be(ErrorKind.Transient);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"keys":"nope"}""")]
    [InlineData("""{"keys":[]}""")]
    public async Task A_jwks_without_usable_keys_is_unavailable(string body)
    {
        _endpoint.Body = body;

        var r = await Keys().GetAsync("k1", default);

        r.Error!.Code.Should().Be(SaleorWebhookErrors.KeysUnavailable);
    }

    [Fact]
    public async Task Keys_not_meant_for_rs256_signatures_are_ignored()
    {
        _endpoint.Body = $$"""{"keys":[{{Jwk(_key1, "enc", use: "enc")}},{{Jwk(_key1, "es", alg: "ES256")}},{{Jwk(_key1, "ec", kty: "EC")}},{{Jwk(_key2, "ok")}}]}""";
        var keys = Keys(o => o.JwksMinRefetchInterval = TimeSpan.Zero);

        (await keys.GetAsync("ok", default)).IsSuccess.Should().BeTrue();
        foreach (var kid in new[] { "enc", "es", "ec" }) (await keys.GetAsync(kid, default)).Error!.Code.Should().Be(SaleorWebhookErrors.KeyUnknown);
    }

    [Theory]
    [InlineData("https://shop.example.com/graphql/", "https://shop.example.com/.well-known/jwks.json", "shop.example.com")]
    [InlineData("http://127.0.0.1:8000/graphql/", "http://127.0.0.1:8000/.well-known/jwks.json", "127.0.0.1:8000")]
    [InlineData("https://example.com/saleor/graphql/", "https://example.com/saleor/.well-known/jwks.json", "example.com")]
    public void The_jwks_url_and_domain_derive_from_configuration(string apiUrl, string jwks, string domain)
    {
        var o = new SaleorOptions { ApiUrl = new Uri(apiUrl) };

        o.JwksUrl().Should().Be(new Uri(jwks));
        o.ExpectedWebhookDomain().Should().Be(domain);
    }

    [Fact]
    public void The_public_api_url_wins_for_header_checks_but_keys_come_from_the_reachable_api_url()
    {
        var o = new SaleorOptions { ApiUrl = new Uri("http://saleor-api.saleor.svc:8000/graphql/"), PublicApiUrl = new Uri("https://shop.example.com/graphql/") };

        o.ExpectedWebhookApiUrl().Should().Be(new Uri("https://shop.example.com/graphql/"));
        o.ExpectedWebhookDomain().Should().Be("shop.example.com");
        o.JwksUrl().Should().Be(new Uri("http://saleor-api.saleor.svc:8000/.well-known/jwks.json"));
    }

    sealed class ScriptedJwks : HttpMessageHandler
    {
        public string Body { get; set; } = "";
        public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;
        public List<Uri> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Requests.Add(request.RequestUri!);
            return Task.FromResult(new HttpResponseMessage(Status) { Content = new StringContent(Body, Encoding.UTF8, "application/json") });
        }
    }
}
