using Cmp.AgentCommerce.Tests.Harness;

namespace Cmp.AgentCommerce.Tests.Acp;

/// <summary>Each agent platform has its own token bucket on the ACP API (checklist 92 and 108): over it, 429 with
/// <c>Retry-After</c> in the API's own error vocabulary, nothing done; other platforms are not affected.</summary>
public sealed class RateLimitTests(CommerceWorld world)
{
    static Dictionary<string, string?> TightBucket() => new()
    {
        ["RateLimits:PerAgentPlatform:TokenLimit"] = "3",
        ["RateLimits:PerAgentPlatform:TokensPerPeriod"] = "1",
        ["RateLimits:PerAgentPlatform:ReplenishmentPeriod"] = "00:01:00",
    };

    [Fact]
    public async Task Over_its_bucket_a_platform_gets_429_with_retry_after_and_no_session_is_created()
    {
        await using var gateway = await world.StartGatewayAsync(TightBucket());
        using var acp = gateway.Acp("2026-04-17");

        for (var i = 0; i < 3; i++)
            (await acp.GetAsync("cs_missing")).Status.Should().Be(404);
        var refused = await acp.CreateAsync(AcpBodies.Create("2026-04-17", ("CSA-PRO", 1)));

        refused.Status.Should().Be(429);
        refused.Body.GetProperty("type").GetString().Should().Be("service_unavailable", "the checkout Error type enum has no rate-limit type");
        refused.Code.Should().Be("rate_limited");
        int.Parse(refused.Header("Retry-After")!, System.Globalization.CultureInfo.InvariantCulture).Should().BeInRange(1, 60);
        await world.Schemas.AssertValidAsync("2026-04-17", "agentic_checkout", "Error", refused.Body);
        (await acp.GetAsync("cs_missing")).Status.Should().Be(429);

        using var other = gateway.Acp("2026-04-17", CommerceWorld.OtherPlatformKey);
        (await other.GetAsync("cs_missing")).Status.Should().Be(404, "another platform has its own bucket");
    }

    [Fact]
    public async Task Delegate_payment_answers_in_its_own_error_vocabulary()
    {
        await using var gateway = await world.StartGatewayAsync(TightBucket());
        using var acp = gateway.Acp("2026-04-17");
        for (var i = 0; i < 3; i++) await acp.GetAsync("cs_missing");

        var refused = await acp.SendAsync(HttpMethod.Post, "/acp/agentic_commerce/delegate_payment", "{}");

        refused.Status.Should().Be(429);
        refused.Body.GetProperty("type").GetString().Should().Be("rate_limit_exceeded");
        refused.Code.Should().Be("too_many_requests");
        refused.Header("Retry-After").Should().NotBeNull();
    }
}
