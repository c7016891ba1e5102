using System.Text;
using Cmp.Gateway.Features.Acp.Auth;
using Cmp.Gateway.Features.Acp.Checkout;
using Cmp.Gateway.Features.Acp.OrderEvents;
using Cmp.Gateway.Features.Acp.Protocol;
using Cmp.Gateway.Features.Payments.TestPsp;

namespace Cmp.AgentCommerce.Tests.Acp;

/// <summary>The pure pieces: canonical JSON (idempotency and signatures), request and webhook signatures, locale
/// negotiation, texts, card rules.</summary>
public sealed class ProtocolUnitTests
{
    static string Canon(string json) => Encoding.UTF8.GetString(CanonicalJson.Canonicalize(Encoding.UTF8.GetBytes(json)));

    [Theory]
    [InlineData("{\"b\":1,\"a\":2}", "{\"a\":2,\"b\":1}")]
    [InlineData("{ \"a\" : [ 1.0 , 2.50 , 1e2 ] }", "{\"a\":[1,2.5,100]}")]
    [InlineData("{\"s\":\"caf\\u00e9\"}", "{\"s\":\"café\"}")]
    [InlineData("{\"n\":null}", "{\"n\":null}")]
    public void Canonical_form_sorts_members_normalises_numbers_and_keeps_nulls(string input, string canonical) => Canon(input).Should().Be(canonical);

    [Fact]
    public void Fingerprints_differ_for_array_order_and_for_null_versus_absent()
    {
        static string F(string s) => CanonicalJson.Fingerprint(Encoding.UTF8.GetBytes(s));
        F("{\"a\":[1,2]}").Should().NotBe(F("{\"a\":[2,1]}"));
        F("{\"a\":1,\"b\":null}").Should().NotBe(F("{\"a\":1}"));
        F("{\"a\":1.0}").Should().Be(F("{\"a\":1}"));
        F("").Should().NotBe(F("{}"));
    }

    [Fact]
    public void A_request_signature_holds_only_for_its_secret_body_and_time()
    {
        var now = DateTimeOffset.UtcNow;
        var ts = now.ToString("O");
        var body = Encoding.UTF8.GetBytes("{\"x\":1}");
        var sig = RequestSignatures.Sign("s3cret", ts, body);
        RequestSignatures.Verify("s3cret", sig, ts, Encoding.UTF8.GetBytes("{ \"x\": 1 }"), now, TimeSpan.FromMinutes(5)).Should().BeNull();
        RequestSignatures.Verify("other", sig, ts, body, now, TimeSpan.FromMinutes(5))!.Value.Code.Should().Be("invalid_signature");
        RequestSignatures.Verify("s3cret", sig, ts, body, now.AddMinutes(6), TimeSpan.FromMinutes(5))!.Value.Code.Should().Be("timestamp_out_of_range");
        RequestSignatures.Verify("s3cret", null, ts, body, now, TimeSpan.FromMinutes(5))!.Value.Code.Should().Be("signature_required");
        RequestSignatures.Verify("s3cret", sig, "yesterday", body, now, TimeSpan.FromMinutes(5))!.Value.Code.Should().Be("invalid_timestamp");
    }

    [Fact]
    public void Webhook_signatures_follow_each_version()
    {
        var body = Encoding.UTF8.GetBytes("{\"type\":\"order_update\"}");
        var at = DateTimeOffset.FromUnixTimeSeconds(1760000000);
        WebhookSignature.Sign("2026-04-17", "k", body, at).Should().MatchRegex("^t=1760000000,v1=[0-9a-f]{64}$");
        WebhookSignature.Sign("2025-09-29", "k", body, at).Should().MatchRegex("^[0-9a-f]{64}$");
    }

    [Theory]
    [InlineData(null, "en-US")]
    [InlineData("fr", "fr-FR")]
    [InlineData("de-DE, fr-CA;q=0.8", "fr-FR")]
    [InlineData("fr;q=0, en", "en-US")]
    [InlineData("*", "en-US")]
    public void Accept_Language_picks_a_supported_locale(string? header, string locale) => AcpTexts.Negotiate(header).Should().Be(locale);

    [Fact]
    public void Every_text_exists_in_every_locale_without_markup()
    {
        foreach (var key in AcpTexts.Keys)
            foreach (var locale in AcpTexts.SupportedLocales)
                AcpTexts.Get(locale, key, "x", "y", "z").Should().NotBeNullOrWhiteSpace().And.NotContain("<", "plain text, never HTML (checklist 11)");
        AcpTexts.Get("fr-FR", "total.subtotal").Should().NotBe(AcpTexts.Get("en-US", "total.subtotal"));
    }

    [Theory]
    [InlineData("4242424242424242", true, "visa")]
    [InlineData("4242424242424241", false, "visa")]
    [InlineData("5555555555554444", true, "mastercard")]
    [InlineData("378282246310005", true, "amex")]
    [InlineData("6011111111111117", true, "discover")]
    [InlineData("42424242", false, "visa")]
    public void Cards_are_checked_with_Luhn_and_branded_by_prefix(string number, bool valid, string brand)
    {
        TestCards.IsLuhnValid(number).Should().Be(valid);
        TestCards.BrandOf(number).Should().Be(brand);
    }

    [Fact]
    public void Ids_are_random_readable_and_derived_ids_are_stable()
    {
        SessionIds.NewSession().Should().MatchRegex("^cs_[0-9a-z]{32}$").And.NotBe(SessionIds.NewSession());
        SessionIds.Line("CheckoutLine:1").Should().Be(SessionIds.Line("CheckoutLine:1")).And.NotBe(SessionIds.Line("CheckoutLine:2"));
        SessionIds.ShippingOption("ShippingMethod:1").Should().StartWith("ship_");
    }
}
