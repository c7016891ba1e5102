using Cmp.Kubernetes.Model;
using Cmp.Kubernetes.Operator;

namespace Cmp.Kubernetes.Tests.Operator;

public sealed class ConditionsTests
{
    static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Setting_a_condition_again_with_the_same_status_keeps_its_transition_time()
    {
        var list = ((List<Condition>?)null).Set("Ready", true, "Synced", "first", 1, T0);

        list.Set("Ready", true, "Synced", "second", 2, T0.AddHours(1));

        var c = list.Should().ContainSingle().Subject;
        c.LastTransitionTime.Should().Be(T0);
        c.Message.Should().Be("second");
        c.ObservedGeneration.Should().Be(2);
    }

    [Fact]
    public void A_status_flip_moves_the_transition_time_truncated_to_seconds()
    {
        var list = ((List<Condition>?)null).Set("Ready", true, "Synced", "", 1, T0);

        list.Set("Ready", false, "Broken", "", 1, T0.AddMinutes(5).AddMilliseconds(700));

        list.Get("Ready")!.LastTransitionTime.Should().Be(T0.AddMinutes(5));
        list.IsTrue("Ready").Should().BeFalse();
    }

    [Fact]
    public void Conditions_of_other_types_are_left_alone()
    {
        var list = ((List<Condition>?)null).Set("Ready", true, "A", "", 1, T0).Set("Suspended", false, "B", "", 1, T0);

        list.Remove("Suspended").Should().BeTrue();

        list.Select(c => c.Type).Should().Equal("Ready");
    }
}
