using Cmp.Kubernetes.Resources;

namespace Cmp.Kubernetes.Tests.Resources;

/// <summary><see cref="AgentOfferingSpec.Validate"/> restates the CRD's schema and CEL rules (which only a real API server
/// evaluates); these cases are the CEL rules' unit tests.</summary>
public sealed class AgentOfferingSpecTests
{
    static AgentOfferingSpec Valid() => KubeFake.Offering("x").Spec;

    [Fact]
    public void A_complete_agent_offering_is_valid_and_converts_to_minor_units()
    {
        Valid().Validate().Should().BeEmpty();
        Valid().ToMoney().Value.Minor.Should().Be(4999);
    }

    [Fact]
    public void CEL_an_agent_offering_needs_a_flow_template()
    {
        var s = Valid();
        s.FlowTemplate = null;

        s.Validate().Should().ContainSingle(p => p.Contains("needs a flowTemplate", StringComparison.Ordinal));
    }

    [Fact]
    public void CEL_a_credits_offering_needs_positive_credits_per_unit()
    {
        var s = Valid();
        s.Kind = OfferingKinds.Credits;
        s.FlowTemplate = null;
        s.CreditsPerUnit = 0;

        s.Validate().Should().ContainSingle(p => p.Contains("creditsPerUnit > 0", StringComparison.Ordinal));
        s.CreditsPerUnit = 100;
        s.Validate().Should().BeEmpty();
    }

    [Theory]
    [InlineData("lower", "19.99", "USD", "spec.sku")]
    [InlineData("CSA-PRO", "19.999.1", "USD", "spec.price.amount")]
    [InlineData("CSA-PRO", "19.99", "usd", "spec.price.currency")]
    [InlineData("CSA-PRO", "19.999", "USD", "spec.price")]
    public void Schema_rules_are_checked(string sku, string amount, string currency, string field)
    {
        var s = Valid();
        s.Sku = sku;
        s.Price = new OfferingPrice { Amount = amount, Currency = currency };

        s.Validate().Should().Contain(p => p.StartsWith(field, StringComparison.Ordinal));
    }

    [Fact]
    public void Three_decimal_currencies_accept_three_decimals()
    {
        var s = Valid();
        s.Price = new OfferingPrice { Amount = "1.250", Currency = "KWD" };

        s.Validate().Should().BeEmpty();
        s.ToMoney().Value.Minor.Should().Be(1250);
    }
}
