using Cmp.AgentCommerce.Tests.Harness;

namespace Cmp.AgentCommerce.Tests.Acp;

/// <summary>POST /checkout_sessions/{id}/cancel (conformance checklist G, 68–72).</summary>
public sealed class CancelSessionTests(CommerceWorld world)
{
    public static TheoryData<string> Versions => new() { "2025-09-29", "2026-04-17" };

    [Theory, MemberData(nameof(Versions))]
    public async Task An_open_session_cancels_once_then_405(string version)
    {
        using var acp = world.Gateway.Acp(version);
        var created = await acp.CreateAsync(AcpBodies.Create(version, ("CSA-PRO", 1)));
        var canceled = await acp.CancelAsync(created.Id);
        canceled.Status.Should().Be(200, "checklist 68");
        canceled.StatusText.Should().Be("canceled");
        (await acp.GetAsync(created.Id)).StatusText.Should().Be("canceled");
        var again = await acp.CancelAsync(created.Id);
        again.Status.Should().Be(405, "checklist 69");
        again.Body.GetProperty("type").GetString().Should().Be("invalid_request");
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task A_completed_session_cannot_be_canceled(string version)
    {
        using var acp = world.Gateway.Acp(version);
        var created = await acp.CreateAsync(AcpBodies.Create(version, AcpBodies.Buyer(), null, ("CREDITS-100", 1)));
        var vt = (await acp.DelegateAsync(AcpBodies.Delegate(created.Id, 1000))).Id;
        (await acp.CompleteAsync(created.Id, AcpBodies.Pay(version, vt, billing: AcpBodies.Address()))).StatusText.Should().Be("completed");
        (await acp.CancelAsync(created.Id)).Status.Should().Be(405, "checklist 69");
    }

    [Fact]
    public async Task A_2026_04_17_cancel_accepts_an_intent_trace_even_with_an_unknown_reason_code()
    {
        using var acp = world.Gateway.Acp("2026-04-17");
        var created = await acp.CreateAsync(AcpBodies.Create("2026-04-17", ("CSA-PRO", 1)));
        var r = await acp.CancelAsync(created.Id, new { intent_trace = new { reason_code = "buyer_changed_mind", trace_summary = "Found it cheaper." } });
        r.Status.Should().Be(200, "unknown reason codes are accepted as 'other' (checklist 70)");
    }

    [Fact]
    public async Task A_2025_09_29_cancel_needs_no_body()
    {
        using var acp = world.Gateway.Acp("2025-09-29");
        var created = await acp.CreateAsync(AcpBodies.Create("2025-09-29", ("CSA-PRO", 1)));
        (await acp.CancelAsync(created.Id, body: null, idempotencyKey: null)).Status.Should().Be(200, "checklist 70");
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task Canceling_an_unknown_session_is_a_404(string version)
    {
        using var acp = world.Gateway.Acp(version);
        (await acp.CancelAsync("cs_unknown")).Status.Should().Be(404, "checklist 71");
    }
}
