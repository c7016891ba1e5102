using Cmp.Provisioner.Domain;

namespace Cmp.Provisioner.Tests.Domain;

public sealed class ProvisioningPlanTests
{
    static readonly Dictionary<string, OfferingTerms> Offerings = new()
    {
        ["CSA-PRO"] = new("CSA-PRO", IsAgent: true, CreditsPerUnit: 0),
        ["CREDITS-500"] = new("CREDITS-500", IsAgent: false, CreditsPerUnit: 500),
    };

    [Fact]
    public void Agent_lines_become_one_unit_per_quantity_keyed_by_order_line_and_unit()
    {
        var plan = ProvisioningPlan.For("Order:1", [new("L1", "CSA-PRO", 3)], Offerings, 100).Value;

        plan.Agents.Select(a => a.IdempotencyKey).Should().Equal("Order:1/L1/0", "Order:1/L1/1", "Order:1/L1/2");
        plan.Credits.Should().BeEmpty();
    }

    [Fact]
    public void Credit_lines_grant_quantity_times_credits_once_per_line()
    {
        var plan = ProvisioningPlan.For("Order:1", [new("L2", "CREDITS-500", 2)], Offerings, 100).Value;

        plan.Credits.Should().ContainSingle().Which.Should().Be(new CreditGrant("L2", "CREDITS-500", 1000, "Order:1/L2"));
    }

    [Fact]
    public void The_same_order_always_gives_the_same_plan()
    {
        PlannedLine[] lines = [new("L1", "CSA-PRO", 2), new("L2", "CREDITS-500", 1), new("L3", "MUG", 1)];

        var a = ProvisioningPlan.For("Order:9", lines, Offerings, 100).Value;
        var b = ProvisioningPlan.For("Order:9", lines.Reverse().ToArray(), Offerings, 100).Value;

        a.Agents.Should().BeEquivalentTo(b.Agents);
        a.Credits.Should().BeEquivalentTo(b.Credits);
    }

    [Theory]
    [InlineData("MUG", "unknown SKU 'MUG'")]
    [InlineData(null, "no SKU")]
    public void Lines_that_are_not_offerings_are_skipped_with_the_reason(string? sku, string reason)
    {
        var plan = ProvisioningPlan.For("Order:1", [new("L9", sku, 1)], Offerings, 100).Value;

        plan.Skipped.Should().ContainSingle().Which.Reason.Should().Contain(reason);
    }

    [Fact]
    public void A_line_over_the_unit_limit_is_held_for_a_human()
    {
        var plan = ProvisioningPlan.For("Order:1", [new("L1", "CSA-PRO", 101)], Offerings, 100);

        plan.Error!.Code.Should().Be("too_many_units");
        plan.Error.Message.Should().Contain("Provisioning:MaxUnitsPerLine");
    }
}
