using Cmp.Hosting.Logging;

namespace Cmp.Hosting.Tests.Logging;

public sealed class RedactorTests
{
    [Theory]
    [InlineData("charging card 4242424242424242 now", "4242424242424242")]
    [InlineData("card 4242 4242 4242 4242 declined", "4242 4242 4242 4242")]
    [InlineData("Authorization: Bearer abc.def-ghi_jkl", "abc.def-ghi_jkl")]
    [InlineData("key cmp_k3yR4nd0mS3cr3tV4lu3 used", "k3yR4nd0mS3cr3tV4lu3")]
    [InlineData("vault token vt_01HZZZABCDEF0123 consumed", "vt_01HZZZABCDEF0123")]
    [InlineData("stripe sk_test_51HabcdefGHIJKL failed", "51HabcdefGHIJKL")]
    [InlineData("token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl ok", "eyJzdWIiOiIxMjMifQ")]
    [InlineData("buyer jane.doe+x@example.com paid", "jane.doe+x")]
    public void Secrets_and_personal_data_are_removed(string text, string secret)
    {
        var redacted = Redactor.Redact(text);

        redacted.Should().NotContain(secret);
        redacted.Should().NotBe(text);
    }

    [Fact]
    public void Email_keeps_its_domain_for_debugging()
    {
        Redactor.Redact("user jane@example.com").Should().Be("user ***@example.com");
    }

    [Theory]
    [InlineData("order 1234567890123 has 3 lines")]   // 13 digits, but not a Luhn-valid card number
    [InlineData("instance 5b0e3f2e-6c1a-4c47-9d83-1f2a3b4c5d01 ready")]
    [InlineData("credits 500 granted")]
    public void Ordinary_ids_and_numbers_are_kept(string text)
    {
        Redactor.Redact(text).Should().Be(text);
    }

    [Theory]
    [InlineData("ClientSecret")]
    [InlineData("api_key")]
    [InlineData("Authorization")]
    [InlineData("card_number")]
    [InlineData("pan")]
    public void Secret_property_names_are_recognised(string name) => Redactor.IsSecretName(name).Should().BeTrue();

    [Theory]
    [InlineData("SpanId")]
    [InlineData("TraceId")]
    [InlineData("OrderNumber")]
    [InlineData("Company")]
    public void Ordinary_property_names_are_not_taken_for_secrets(string name) => Redactor.IsSecretName(name).Should().BeFalse();
}
