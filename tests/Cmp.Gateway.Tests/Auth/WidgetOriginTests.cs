using Cmp.Gateway.Auth.Widget;

namespace Cmp.Gateway.Tests.Auth;

/// <summary>Origins are compared exactly, so they are normalised once: scheme and host lower case, default port dropped.</summary>
public sealed class WidgetOriginTests
{
    [Theory]
    [InlineData("https://shop.example.com", "https://shop.example.com")]
    [InlineData("https://Shop.Example.COM/", "https://shop.example.com")]
    [InlineData("https://shop.example.com:443", "https://shop.example.com")]
    [InlineData("https://shop.example.com:8443", "https://shop.example.com:8443")]
    [InlineData("http://localhost:5173", "http://localhost:5173")]
    [InlineData("http://127.0.0.1", "http://127.0.0.1")]
    [InlineData("http://[::1]:3000", "http://[::1]:3000")]
    public void Valid_origins_are_normalised(string raw, string expected) =>
        WidgetOrigin.Parse(raw, allowHttpLoopback: true).Value.Should().Be(expected);

    [Theory]
    [InlineData("", "origin_required")]
    [InlineData("null", "origin_invalid")]
    [InlineData("shop.example.com", "origin_invalid")]
    [InlineData("https://user:pw@shop.example.com", "origin_invalid")]
    [InlineData("https://shop.example.com/#x", "origin_invalid")]
    [InlineData("javascript:alert(1)", "origin_invalid")]
    [InlineData("http://shop.example.com", "origin_insecure")]
    public void Anything_else_is_refused_with_a_reason(string raw, string code) =>
        WidgetOrigin.Parse(raw, allowHttpLoopback: true).Error!.Code.Should().Be(code);

    [Fact]
    public void Plain_http_loopback_can_be_switched_off() =>
        WidgetOrigin.Parse("http://localhost:5173", allowHttpLoopback: false).Error!.Code.Should().Be("origin_insecure");
}
