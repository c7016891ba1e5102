using Cmp.ControlPlane.Domain;
using Cmp.Gateway.Domain;

namespace Cmp.Gateway.Tests.Domain;

/// <summary>The gateway charges by exactly the control plane's price rule (the gateway restates it to compute a cost).</summary>
public sealed class RunPriceTests
{
    public static TheoryData<long, long, long> Prices => new()
    {
        { 1, 0, 0 }, { 2, 0, 0 }, { 0, 4, 20 }, { 1, 4, 20 }, { 1, 100, 20 }, { 5, 1, 6 }, { 3, 1000, 50 }, { 0, 1, 1 },
    };

    [Theory]
    [MemberData(nameof(Prices))]
    public void Cost_equals_the_control_planes_for_every_token_count(long perRun, long per1k, long max)
    {
        var rule = new RunPricing(perRun, per1k, max);
        var price = new RunPrice(perRun, per1k, max, rule.Reserve);

        foreach (var input in new long[] { 0, 1, 7, 250, 999, 1000, 1001, 123_456 })
            foreach (var output in new long[] { 0, 1, 500, 1000, 77_777 })
                price.Cost(input, output).Should().Be(rule.Cost(input, output), $"price ({perRun}, {per1k}, {max}) with {input}+{output} tokens");
    }

    [Fact]
    public void A_run_never_costs_more_than_it_reserved()
    {
        var price = new RunPrice(1, 100, 20, 20);

        price.Cost(1_000_000, 1_000_000).Should().Be(20);
        price.Cost(-5, -5).Should().Be(1);
    }

    [Fact]
    public void An_offering_with_nothing_to_reserve_is_free()
    {
        new RunPrice(0, 0, 0, 0).IsFree.Should().BeTrue();
        new RunPrice(1, 0, 0, 1).IsFree.Should().BeFalse();
    }
}
