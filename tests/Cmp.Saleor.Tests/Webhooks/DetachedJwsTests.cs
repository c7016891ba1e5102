using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Cmp.Saleor.Webhooks;

namespace Cmp.Saleor.Tests.Webhooks;

/// <summary>The JWS header rules of Saleor's signatures (RFC 7515/7797), with locally made signatures.</summary>
public sealed class DetachedJwsTests
{
    static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"__typename\": \"OrderFullyPaid\", \"order\": {\"id\": \"T3JkZXI6MQ==\"}}");

    [Fact]
    public void A_signature_made_like_saleors_verifies_over_the_exact_bytes_only()
    {
        using var key = RSA.Create(2048);
        var signature = DetachedJws.Sign(key, "kid-1", Body);

        var jws = DetachedJws.Parse(signature).Value;

        signature.Should().Contain("..");
        jws.KeyId.Should().Be("kid-1");
        jws.Verify(key.ExportParameters(false), Body).Should().BeTrue();
        jws.Verify(key.ExportParameters(false), Body.Append((byte)' ').ToArray()).Should().BeFalse();
        using var other = RSA.Create(2048);
        jws.Verify(other.ExportParameters(false), Body).Should().BeFalse();
    }

    [Theory]
    [InlineData("""{"alg":"HS256","b64":false,"crit":["b64"],"kid":"k"}""", "alg must be RS256")]
    [InlineData("""{"alg":"none","b64":false,"crit":["b64"],"kid":"k"}""", "alg must be RS256")]
    [InlineData("""{"alg":"RS256","b64":true,"crit":["b64"],"kid":"k"}""", "b64 must be false")]
    [InlineData("""{"alg":"RS256","crit":["b64"],"kid":"k"}""", "b64 must be false")]
    [InlineData("""{"alg":"RS256","b64":false,"kid":"k"}""", "crit must list b64")]
    [InlineData("""{"alg":"RS256","b64":false,"crit":["b64","exp"],"kid":"k"}""", "unsupported critical header parameter")]
    [InlineData("""{"alg":"RS256","b64":false,"crit":["b64"]}""", "kid is missing")]
    [InlineData("""[1,2]""", "not a JSON object")]
    [InlineData("""not json""", "not JSON")]
    public void Headers_that_break_the_rules_are_refused_with_the_reason(string header, string reason)
    {
        var value = $"{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header))}..{Base64Url.EncodeToString([1, 2, 3])}";

        var r = DetachedJws.Parse(value);

        r.Error!.Code.Should().Be(SaleorWebhookErrors.SignatureMalformed);
        r.Error.Message.Should().Contain(reason);
    }

    [Theory]
    [InlineData("abc", "3 segments")]
    [InlineData("a.b", "3 segments")]
    [InlineData("eyJhIjoxfQ.eyJhIjoxfQ.c2ln", "payload segment must be empty")]
    [InlineData("!!!..c2ln", "header is not base64url")]
    [InlineData("eyJhIjoxfQ..", "signature is not base64url")]
    public void Malformed_compact_forms_are_refused(string value, string reason)
    {
        DetachedJws.Parse(value).Error!.Message.Should().Contain(reason);
    }
}
