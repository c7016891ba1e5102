using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cmp.Gateway.Domain;
using Cmp.Gateway.Features.Runs.Leases;
using Cmp.Gateway.Infrastructure.Data;
using Cmp.Gateway.Tests.Support;
using Cmp.Testing;
using Cmp.Testing.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Cmp.Gateway.Tests.Features;

/// <summary>
/// Runs metered against credit leases (<c>Runs:CreditLeases</c>): the same exactly-once charging and the same 402s as
/// a reservation per run, with one ledger round trip per lease instead of per run; every credit a lease commits is
/// backed by a finished run's record, and a lease left behind by a dead gateway is settled by the worker.
/// </summary>
public sealed class CreditLeaseTests(Platform platform) : IAsyncLifetime
{
    static readonly Dictionary<string, string?> Leases = new() { ["Runs:CreditLeases"] = "true", ["Runs:LeaseDuration"] = "00:00:00.300" };

    public async ValueTask InitializeAsync() => await platform.ResetSimAsync();
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    static Dictionary<string, string?> With(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?>(Leases);
        foreach (var (key, value) in more) settings[key] = value;
        return settings;
    }

    async Task<Credits> SettledCreditsAsync(Account account) =>
        await Poller.ValueAsync<Credits?>(async () => await platform.CreditsAsync(account.TenantId) is { Reserved: 0 } c ? c : null,
            "every lease of the tenant to be settled") ?? throw new InvalidOperationException();

    [Fact]
    public async Task Of_100_concurrent_runs_with_credits_for_30_exactly_30_succeed_through_a_few_leases_and_the_balance_ends_at_zero()
    {
        await using var gateway = platform.StartGateway(Leases);
        var account = await platform.AccountAsync(credits: 30);
        using var client = gateway.Client(account.Key);

        var results = await client.RunAllAtOnceAsync(account.InstanceId, 100);

        results.Count(r => r.StatusCode == HttpStatusCode.OK).Should().Be(30);
        results.Where(r => r.StatusCode != HttpStatusCode.OK).Should().HaveCount(70)
            .And.OnlyContain(r => r.StatusCode == HttpStatusCode.PaymentRequired && r.Body.Code() == "insufficient_credits");
        var usages = results.Where(r => r.StatusCode == HttpStatusCode.OK).Select(r => r.Body.GetProperty("usage")).ToList();
        usages.Select(u => u.GetProperty("credits_charged").GetInt64()).Should().OnlyContain(c => c == 1);
        usages.Count(u => u.TryGetProperty("balance_after", out _)).Should().Be(0, "a lease is settled after the answer");
        (await SettledCreditsAsync(account)).Should().Be(new Credits(0, 0, 0));
        var ledger = await platform.LedgerAsync(account.TenantId);
        ledger.Where(e => e.Kind == "commit").Sum(e => e.Amount).Should().Be(30);
        ledger.Count(e => e.Kind == "reserve").Should().BeLessThan(10, "runs share leases instead of reserving one by one");
        ledger.Should().OnlyContain(e => e.BalanceAfter >= 0);
        (await platform.SimRunsAsync()).Should().HaveCount(30, "a run that could not pay never reaches Langflow");
        await using var db = await gateway.Get<IDbContextFactory<GatewayDbContext>>().CreateDbContextAsync();
        var records = await db.Runs.Where(r => r.TenantId == account.TenantId).ToListAsync();
        records.Should().HaveCount(30).And.OnlyContain(r => r.LeaseId != null && r.Settlement == SettlementState.Committed && r.CreditsCharged == 1
            && r.NextSettlementAt == null, "a lease run is settled with its lease, never by the per-run worker");
        var leases = await db.CreditLeases.Where(l => l.TenantId == account.TenantId).ToListAsync();
        leases.Should().OnlyContain(l => l.State != LeaseState.Open);
        leases.Sum(l => l.CreditsCharged).Should().Be(30, "each lease commits exactly what its runs' records say");
    }

    [Fact]
    public async Task Credits_still_held_by_a_closing_lease_are_never_refused_to_the_next_run()
    {
        // Leases of 50 ms: nearly every run finds the last one closing, holding every credit left.
        await using var gateway = platform.StartGateway(With(("Runs:LeaseDuration", "00:00:00.050")));
        var account = await platform.AccountAsync(credits: 10);
        using var client = gateway.Client(account.Key);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            using var response = await client.PostAsJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = $"run {i}" });
            statuses.Add(response.StatusCode);
            await Task.Delay(40);
        }

        statuses.Should().Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 10), HttpStatusCode.PaymentRequired, HttpStatusCode.PaymentRequired]);
        (await SettledCreditsAsync(account)).Should().Be(new Credits(0, 0, 0));
        (await platform.LedgerAsync(account.TenantId)).Where(e => e.Kind == "commit").Sum(e => e.Amount).Should().Be(10);
    }

    [Fact]
    public async Task Token_priced_runs_are_charged_by_the_price_rule_and_a_failed_run_costs_nothing()
    {
        await using var gateway = platform.StartGateway(Leases);
        var account = await platform.AccountAsync(Platform.TokenSku, credits: 100);
        using var client = gateway.Client(account.Key);

        var (first, one) = await client.PostJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = "Tell me about your return policy please" });
        await platform.ArmAsync("errors", new { status = 500, count = 1 });
        using var failed = await client.PostAsJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = "Hello" });
        var (second, two) = await client.PostJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = "And shipping?" });

        first.StatusCode.Should().Be(HttpStatusCode.OK, one.ToString());
        second.StatusCode.Should().Be(HttpStatusCode.OK, two.ToString());
        await failed.ShouldBeUnchargedProblemAsync(HttpStatusCode.BadGateway, "flow_failed");
        var charged = new[] { one, two }.Select(b =>
        {
            var usage = b.GetProperty("usage");
            var tokens = usage.GetProperty("input_tokens").GetInt64() + usage.GetProperty("output_tokens").GetInt64();
            usage.GetProperty("credits_charged").GetInt64().Should().Be(Math.Min(1 + (tokens * 100 + 999) / 1000, 20));
            return usage.GetProperty("credits_charged").GetInt64();
        }).Sum();
        (await SettledCreditsAsync(account)).Should().Be(new Credits(100 - charged, 0, 100 - charged));
        var run = await client.SettledRunAsync(one.GetProperty("run_id").GetGuid());
        run.GetProperty("settlement").GetString().Should().Be("committed");
        run.GetProperty("lease_id").GetGuid().Should().NotBeEmpty();
    }

    [Fact]
    public async Task Streamed_and_keyed_runs_on_a_lease_are_charged_exactly_once_like_any_other()
    {
        await using var gateway = platform.StartGateway(Leases);
        var account = await platform.AccountAsync(credits: 10);
        using var client = gateway.Client(account.Key);

        using var streamed = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/runs")
        {
            Content = JsonContent.Create(new { instance_id = account.InstanceId, input = "Stream me an answer", stream = true }),
        }, HttpCompletionOption.ResponseHeadersRead);
        var (events, _) = await Sse.ReadAsync(streamed);
        var keyed = new List<JsonElement>();
        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/runs") { Content = JsonContent.Create(new { instance_id = account.InstanceId, input = "Once" }) };
            request.Headers.Add("Idempotency-Key", "lease-key-1");
            using var response = await client.SendAsync(request);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            keyed.Add(await Http.ReadAsync(response));
        }

        events.Last().Name.Should().Be("end");
        events.Last().Data.GetProperty("usage").GetProperty("credits_charged").GetInt64().Should().Be(1);
        keyed[1].GetProperty("run_id").GetGuid().Should().Be(keyed[0].GetProperty("run_id").GetGuid(), "the repeat is the first run's answer");
        (await SettledCreditsAsync(account)).Should().Be(new Credits(8, 0, 8), "one streamed run and one keyed run");
        (await platform.SimRunsAsync()).Should().HaveCount(2);
        var stream = await client.SettledRunAsync(Guid.Parse(streamed.Headers.GetValues("X-Run-Id").Single()));
        stream.GetProperty("settlement").GetString().Should().Be("committed");
        stream.GetProperty("lease_id").GetGuid().Should().NotBeEmpty();
        (await client.SettledRunAsync(keyed[0].GetProperty("run_id").GetGuid())).GetProperty("lease_id").GetGuid().Should().NotBeEmpty();
    }

    [Fact]
    public async Task An_idle_tenant_is_forgotten_once_its_lease_closed_and_metered_again_on_its_next_run()
    {
        await using var gateway = platform.StartGateway(With(("Runs:LeaseDuration", "00:00:00.100")));
        var leases = gateway.Get<CreditLeases>();
        var account = await platform.AccountAsync(credits: 10);
        using var client = gateway.Client(account.Key);

        (await client.PostAsJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = "first" })).StatusCode.Should().Be(HttpStatusCode.OK);
        leases.ActiveTenants.Should().Be(1);
        await Poller.UntilAsync(() => Task.FromResult(leases.ActiveTenants == 0), "the idle tenant to be forgotten");
        (await SettledCreditsAsync(account)).Should().Be(new Credits(9, 0, 9));

        (await client.PostAsJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = "again" })).StatusCode.Should().Be(HttpStatusCode.OK);
        await Poller.UntilAsync(() => Task.FromResult(leases.ActiveTenants == 0), "the tenant to be forgotten again");
        (await SettledCreditsAsync(account)).Should().Be(new Credits(8, 0, 8));
    }

    [Fact]
    public async Task A_closed_lease_hands_back_what_its_runs_in_flight_cannot_use_without_waiting_for_them()
    {
        await using var gateway = platform.StartGateway(With(("Runs:LeaseDuration", "00:00:00.500")));
        var account = await platform.AccountAsync(Platform.TokenSku, credits: 200);
        using var client = gateway.Client(account.Key);
        await platform.ArmAsync("latency", new { ms = 2000, count = 1 });

        // The first lease takes ten runs' worth (Runs:MinLeaseRuns): all 200 credits, for one run that may cost 20.
        var slow = client.PostAsJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = "slow" });

        // Closed after half a second, the lease keeps only what the slow run may still cost.
        await Poller.UntilAsync(async () => (await platform.CreditsAsync(account.TenantId)).Reserved == 20, "the closed lease to be reduced");
        slow.IsCompleted.Should().BeFalse("the slow run is still going");
        (await platform.LedgerAsync(account.TenantId)).Select(e => (e.Kind, e.Amount)).Should().Equal(("grant", 200), ("reserve", 200), ("release", 180));

        using var response = await slow;
        var body = await Http.ReadAsync(response);
        response.StatusCode.Should().Be(HttpStatusCode.OK, body.ToString());
        var charged = body.GetProperty("usage").GetProperty("credits_charged").GetInt64();
        (await SettledCreditsAsync(account)).Should().Be(new Credits(200 - charged, 0, 200 - charged));
        (await platform.LedgerAsync(account.TenantId)).Select(e => (e.Kind, e.Amount)).Should()
            .Equal(("grant", 200), ("reserve", 200), ("release", 180), ("commit", charged));
    }

    [Fact]
    public async Task A_lease_left_open_by_a_dead_gateway_is_settled_by_the_worker_with_what_its_recorded_runs_cost()
    {
        var account = await platform.AccountAsync(credits: 10);
        var leaseId = Guid.CreateVersion7();
        using var svc = await platform.ProvisionerAsync();
        using var reserve = new HttpRequestMessage(HttpMethod.Post, $"/v1/tenants/{account.TenantId}/credits/reservations")
        {
            Content = JsonContent.Create(new { amount = 5 }),
        };
        reserve.Headers.Add("Idempotency-Key", LeaseSettlement.ReservationKey(leaseId));
        var reservation = await Http.ReadAsync(await svc.SendAsync(reserve));
        var finished = Guid.CreateVersion7();
        var interrupted = Guid.CreateVersion7();
        await using (var db = await platform.Gateway.Get<IDbContextFactory<GatewayDbContext>>().CreateDbContextAsync())
        {
            var opened = DateTimeOffset.UtcNow.AddMinutes(-20);
            db.CreditLeases.Add(new CreditLease
            {
                Id = leaseId, TenantId = account.TenantId, ReservationId = reservation.GetProperty("id").GetGuid(), CreditsReserved = 5,
                State = LeaseState.Open, OpenedAt = opened, SettleAfter = opened.AddMinutes(13),
            });
            db.Runs.Add(Run(finished, RunStatus.Succeeded, charged: 2));
            db.Runs.Add(Run(interrupted, RunStatus.Running, charged: 0));
            await db.SaveChangesAsync();
        }
        using var client = platform.Gateway.Client(account.Key);

        var done = await client.SettledRunAsync(finished);
        var cut = await client.SettledRunAsync(interrupted);

        done.GetProperty("settlement").GetString().Should().Be("committed");
        cut.GetProperty("status").GetString().Should().Be("failed");
        cut.GetProperty("error_code").GetString().Should().Be("run_interrupted");
        cut.GetProperty("settlement").GetString().Should().Be("released");
        (await platform.CreditsAsync(account.TenantId)).Should().Be(new Credits(8, 0, 8));
        (await platform.LedgerAsync(account.TenantId)).Select(e => (e.Kind, e.Amount)).Should().Equal(("grant", 10), ("reserve", 5), ("commit", 2));

        RunRecord Run(Guid id, RunStatus status, long charged) => new()
        {
            Id = id, TenantId = account.TenantId, InstanceId = account.InstanceId, CallerKind = CallerKind.ApiKey, CallerId = account.KeyId.ToString(),
            Status = status, LeaseId = leaseId, CreditsReserved = 1 + charged, CreditsCharged = charged, Settlement = SettlementState.Pending,
            CreatedAt = DateTimeOffset.UtcNow.AddMinutes(-20),
        };
    }

    [Fact]
    public async Task A_lease_commit_the_control_plane_cannot_take_is_retried_by_the_worker_until_it_lands_exactly_once()
    {
        await using var gateway = await platform.StartIsolatedGatewayAsync(With(
            ("Http:control-plane:MaxRetries", "0"), ("Runs:SettlementInterval", "00:00:00.100"), ("Runs:SettlementGrace", "00:00:01")));
        var account = await platform.AccountAsync(credits: 10);
        gateway.ControlPlaneCalls.FailWhen(r => r.RequestUri!.AbsolutePath.EndsWith("/commit", StringComparison.Ordinal));
        using var client = gateway.Client(account.Key);

        for (var i = 0; i < 3; i++)
            (await client.PostAsJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = $"run {i}" })).StatusCode.Should().Be(HttpStatusCode.OK);
        await Poller.UntilAsync(() => Task.FromResult(gateway.ControlPlaneCalls.Count("/commit") >= 2), "the commit to be tried, and tried again");
        (await platform.CreditsAsync(account.TenantId)).Reserved.Should().BeGreaterThanOrEqualTo(3, "the credits stay held while the commit is pending");

        gateway.ControlPlaneCalls.Heal();

        (await SettledCreditsAsync(account)).Should().Be(new Credits(7, 0, 7));
        (await platform.LedgerAsync(account.TenantId)).Where(e => e.Kind == "commit").Select(e => e.Amount).Sum().Should().Be(3);
    }

    [Fact]
    public async Task While_the_database_is_down_a_run_that_cannot_be_recorded_is_not_charged_and_the_next_ones_are_refused()
    {
        await using var gateway = await platform.StartIsolatedGatewayAsync(With(
            ("Runs:LeaseDuration", "00:00:03"), ("Runs:SettlementInterval", "00:00:00.100"), ("Runs:SettlementGrace", "00:00:01")));
        var database = new NpgsqlConnectionStringBuilder(gateway.Get<IConfiguration>()["ConnectionStrings:Gateway"]).Database!;
        var account = await platform.AccountAsync(credits: 10);
        using var client = gateway.Client(account.Key);
        // Two runs: the second opens a lease with room for more, so the next run needs no database to start.
        for (var i = 0; i < 2; i++)
            (await client.PostAsJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = $"before {i}" })).StatusCode.Should().Be(HttpStatusCode.OK);

        await SetConnectionsAsync(database, allowed: false);
        var (during, unrecorded) = await client.PostJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = "during" });
        using var refused = await client.PostAsJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = "refused" });
        await SetConnectionsAsync(database, allowed: true);

        during.StatusCode.Should().Be(HttpStatusCode.OK, "the reply was delivered");
        unrecorded.GetProperty("usage").GetProperty("credits_charged").GetInt64().Should().Be(0, "a run that is not recorded is not charged");
        await refused.ShouldBeUnchargedProblemAsync(HttpStatusCode.ServiceUnavailable, "database_unavailable");
        (await SettledCreditsAsync(account)).Should().Be(new Credits(8, 0, 8), "only the recorded runs are charged");
    }

    async Task SetConnectionsAsync(string database, bool allowed)
    {
        await using var admin = new NpgsqlConnection(platform.Postgres.ServerConnectionString);
        await admin.OpenAsync();
        await using (var alter = new NpgsqlCommand($"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS {(allowed ? "true" : "false")}", admin))
            await alter.ExecuteNonQueryAsync();
        if (allowed) return;
        await using var kill = new NpgsqlCommand("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = @db", admin);
        kill.Parameters.AddWithValue("db", database);
        await kill.ExecuteNonQueryAsync();
    }
}
