using System.Net;
using System.Net.Http.Json;
using Cmp.Gateway.Domain;
using Cmp.Gateway.Infrastructure.Data;
using Cmp.Gateway.Tests.Support;
using Cmp.Testing;
using Microsoft.EntityFrameworkCore;

namespace Cmp.Gateway.Tests.Features;

/// <summary>
/// A completed run's cost is never lost and a failed run's credits are never kept: settlements the control plane
/// could not take at once are finished by the settlement worker, even after the reservation expired, and runs left
/// behind by a crashed gateway are released.
/// </summary>
public sealed class SettlementTests(Platform platform) : IAsyncLifetime
{
    public async ValueTask InitializeAsync() => await platform.ResetSimAsync();
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    static bool Is(HttpRequestMessage r, string suffix) => r.RequestUri!.AbsolutePath.EndsWith(suffix, StringComparison.Ordinal);

    [Fact]
    public async Task A_commit_the_control_plane_cannot_take_is_retried_until_it_lands_exactly_once()
    {
        await using var gateway = await platform.StartIsolatedGatewayAsync(new() { ["Http:control-plane:MaxRetries"] = "0" });
        var account = await platform.AccountAsync(credits: 10);
        gateway.ControlPlaneCalls.FailWhen(r => Is(r, "/commit"));
        using var client = gateway.Client(account.Key);

        var (response, body) = await client.PostJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = "Hello" });

        response.StatusCode.Should().Be(HttpStatusCode.OK, "the run itself succeeded");
        body.GetProperty("usage").GetProperty("credits_charged").GetInt64().Should().Be(1);
        body.GetProperty("usage").TryGetProperty("balance_after", out _).Should().BeFalse("the charge is not recorded yet");
        var runId = body.GetProperty("run_id").GetGuid();
        var (_, pending) = await client.GetJsonAsync($"/v1/runs/{runId}");
        pending.GetProperty("settlement").GetString().Should().Be("pending");
        await Poller.UntilAsync(() => Task.FromResult(gateway.ControlPlaneCalls.Count("/commit") >= 2), "the worker to retry the commit");
        (await platform.CreditsAsync(account.TenantId)).Reserved.Should().Be(1, "the credits stay held while the commit is pending");

        gateway.ControlPlaneCalls.Heal();

        var run = await client.SettledRunAsync(runId);
        run.GetProperty("settlement").GetString().Should().Be("committed");
        run.GetProperty("balance_after").GetInt64().Should().Be(9);
        (await platform.CreditsAsync(account.TenantId)).Should().Be(new Credits(9, 0, 9));
        (await platform.LedgerAsync(account.TenantId)).Select(e => (e.Kind, e.Amount)).Should().Equal(("grant", 10), ("reserve", 1), ("commit", 1));
    }

    [Fact]
    public async Task A_cost_whose_reservation_expired_meanwhile_is_charged_through_a_new_reservation()
    {
        await using var gateway = await platform.StartIsolatedGatewayAsync(new()
        {
            ["Http:control-plane:MaxRetries"] = "0", ["Runs:ReservationTtl"] = "00:00:02", ["Runs:MaxRunDuration"] = "00:00:01",
        });
        var account = await platform.AccountAsync(credits: 10);
        gateway.ControlPlaneCalls.FailWhen(r => Is(r, "/commit"));
        using var client = gateway.Client(account.Key);
        var (_, body) = await client.PostJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = "Hello" });
        await Poller.UntilAsync(async () => (await platform.LedgerAsync(account.TenantId)).Any(e => e.Kind == "release"),
            "the control plane to expire the unsettled reservation");

        gateway.ControlPlaneCalls.Heal();

        var run = await client.SettledRunAsync(body.GetProperty("run_id").GetGuid());
        await using (var db = await gateway.Get<IDbContextFactory<GatewayDbContext>>().CreateDbContextAsync())
            (await db.Runs.SingleAsync(r => r.Id == body.GetProperty("run_id").GetGuid())).SettlementError.Should().BeNull();
        run.GetProperty("settlement").GetString().Should().Be("committed");
        (await platform.CreditsAsync(account.TenantId)).Should().Be(new Credits(9, 0, 9));
        (await platform.LedgerAsync(account.TenantId)).Select(e => (e.Kind, e.Amount))
            .Should().Equal(("grant", 10), ("reserve", 1), ("release", 1), ("reserve", 1), ("commit", 1));
    }

    [Fact]
    public async Task A_release_the_control_plane_cannot_take_is_retried_until_the_credits_are_free()
    {
        await using var gateway = await platform.StartIsolatedGatewayAsync(new() { ["Http:control-plane:MaxRetries"] = "0" });
        var account = await platform.AccountAsync(credits: 10);
        await platform.ArmAsync("errors", new { status = 500, count = 1 });
        gateway.ControlPlaneCalls.FailWhen(r => Is(r, "/release"));
        using var client = gateway.Client(account.Key);

        using var response = await client.PostAsJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = "Hello" });

        await response.ShouldBeUnchargedProblemAsync(HttpStatusCode.BadGateway, "flow_failed");
        (await platform.CreditsAsync(account.TenantId)).Reserved.Should().Be(1);
        gateway.ControlPlaneCalls.Heal();
        await platform.ShouldBeUnchargedAsync(account, 10);
    }

    [Fact]
    public async Task Settling_after_the_response_charges_the_same_but_answers_without_a_balance()
    {
        await using var gateway = platform.StartGateway(new() { ["Runs:SettleBeforeResponse"] = "false" });
        var account = await platform.AccountAsync(Platform.TokenSku, credits: 50);
        using var client = gateway.Client(account.Key);

        var (response, body) = await client.PostJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = "Hello" });

        response.StatusCode.Should().Be(HttpStatusCode.OK, body.ToString());
        var usage = body.GetProperty("usage");
        usage.TryGetProperty("balance_after", out _).Should().BeFalse();
        var charged = usage.GetProperty("credits_charged").GetInt64();
        var run = await client.SettledRunAsync(body.GetProperty("run_id").GetGuid());
        run.GetProperty("settlement").GetString().Should().Be("committed");
        run.GetProperty("balance_after").GetInt64().Should().Be(50 - charged);
        (await platform.LedgerAsync(account.TenantId)).Select(e => (e.Kind, e.Amount)).Should().Equal(("grant", 50), ("reserve", 20), ("commit", charged));
    }

    [Fact]
    public async Task A_run_left_running_by_a_crashed_gateway_is_failed_and_its_reservation_released()
    {
        var account = await platform.AccountAsync(credits: 10);
        var runId = Guid.CreateVersion7();
        using var svc = await platform.ProvisionerAsync();
        using var reserve = new HttpRequestMessage(HttpMethod.Post, $"/v1/tenants/{account.TenantId}/credits/reservations")
        {
            Content = JsonContent.Create(new { amount = 1, instance_id = account.InstanceId }),
        };
        reserve.Headers.Add("Idempotency-Key", $"run/{runId}");
        var reservation = await Http.ReadAsync(await svc.SendAsync(reserve));
        var contexts = platform.Gateway.Get<IDbContextFactory<GatewayDbContext>>();
        await using (var db = await contexts.CreateDbContextAsync())
        {
            db.Runs.Add(new RunRecord
            {
                Id = runId, TenantId = account.TenantId, InstanceId = account.InstanceId, CallerKind = CallerKind.ApiKey, CallerId = account.KeyId.ToString(),
                Status = RunStatus.Running, ReservationId = reservation.GetProperty("id").GetGuid(), CreditsReserved = 1,
                Settlement = SettlementState.Pending, CreatedAt = DateTimeOffset.UtcNow.AddMinutes(-13),
            });
            await db.SaveChangesAsync();
        }
        using var client = platform.Gateway.Client(account.Key);

        var run = await client.SettledRunAsync(runId);

        run.GetProperty("status").GetString().Should().Be("failed");
        run.GetProperty("error_code").GetString().Should().Be("run_interrupted");
        run.GetProperty("settlement").GetString().Should().Be("released");
        await platform.ShouldBeUnchargedAsync(account, 10);
    }
}
