using System.Net;
using Cmp.ControlPlane.Tests.Apis;
using Cmp.Testing;
using Cmp.Testing.Postgres;
using Npgsql;

namespace Cmp.ControlPlane.Tests.Features.Credits;

/// <summary>
/// The credit ledger through the control plane's API on a real PostgreSQL: credits are never lost or double-spent,
/// balance and available never go negative under concurrency, and every operation is idempotent by its key.
/// </summary>
public sealed class CreditLedgerTests(PostgresFixture pg) : IAsyncLifetime
{
    ControlPlaneHost _host = null!;
    HttpClient _svc = null!;
    Guid _tenant;

    public async ValueTask InitializeAsync()
    {
        _host = await ControlPlaneHost.StartAsync(pg);
        _svc = await _host.GatewayAsync();
        _tenant = await _host.TenantAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _svc.Dispose();
        await _host.DisposeAsync();
    }

    Task<(HttpResponseMessage Response, System.Text.Json.JsonElement Body)> Grant(long amount, string key, string? order = null) =>
        _svc.PostJsonAsync($"/v1/tenants/{_tenant}/credits/grants", new { amount, order_id = order, reason = "test" }, key);

    Task<(HttpResponseMessage Response, System.Text.Json.JsonElement Body)> Reserve(long amount, string key, int? ttl = null) =>
        _svc.PostJsonAsync($"/v1/tenants/{_tenant}/credits/reservations", new { amount, ttl_seconds = ttl }, key);

    async Task<System.Text.Json.JsonElement> Balance() => (await _svc.GetJsonAsync($"/v1/tenants/{_tenant}/credits")).Body;

    [Fact]
    public async Task A_grant_raises_balance_and_a_replay_changes_nothing()
    {
        var (first, entry) = await Grant(500, "order-1/line-1");
        var (again, replay) = await Grant(500, "order-1/line-1");

        first.StatusCode.Should().Be(HttpStatusCode.OK);
        again.StatusCode.Should().Be(HttpStatusCode.OK);
        replay.Long("id").Should().Be(entry.Long("id"));
        var balance = await Balance();
        balance.Long("balance").Should().Be(500);
        balance.Long("available").Should().Be(500);
    }

    [Fact]
    public async Task Reusing_a_key_for_a_different_amount_is_a_conflict()
    {
        await Grant(500, "k-reused");

        var (response, problem) = await Grant(700, "k-reused");

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        problem.Str("code").Should().Be("idempotency_key_reused");
        (await Balance()).Long("balance").Should().Be(500);
    }

    [Fact]
    public async Task Operations_that_must_not_repeat_require_an_idempotency_key()
    {
        var (response, problem) = await _svc.PostJsonAsync($"/v1/tenants/{_tenant}/credits/grants", new { amount = 5 });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        problem.Str("code").Should().Be("idempotency_key_missing");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public async Task Non_positive_amounts_are_rejected(long amount)
    {
        var (response, problem) = await Grant(amount, $"bad-{amount}");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        problem.Str("code").Should().Be("invalid_amount");
    }

    [Fact]
    public async Task Fifty_concurrent_reservations_with_room_for_ten_give_exactly_ten()
    {
        await Grant(100, "room-for-ten");

        var attempts = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Reserve(10, $"run-{i}")));

        attempts.Count(a => a.Response.StatusCode == HttpStatusCode.OK).Should().Be(10);
        attempts.Count(a => a.Response.StatusCode == HttpStatusCode.PaymentRequired).Should().Be(40);
        var balance = await Balance();
        balance.Long("balance").Should().Be(100);
        balance.Long("reserved").Should().Be(100);
        balance.Long("available").Should().Be(0);
        await LedgerShouldMatchAccount();
    }

    [Fact]
    public async Task Insufficient_credits_is_402_with_balance_and_request_in_the_problem()
    {
        await Grant(3, "small");

        var (response, problem) = await Reserve(5, "too-big");

        response.StatusCode.Should().Be(HttpStatusCode.PaymentRequired);
        problem.Str("code").Should().Be("insufficient_credits");
        problem.Long("requested").Should().Be(5);
        problem.Long("available").Should().Be(3);
    }

    [Fact]
    public async Task Commit_charges_the_actual_cost_and_frees_the_rest()
    {
        await Grant(100, "g");
        var (_, reservation) = await Reserve(20, "run-a");

        var (response, committed) = await _svc.PostJsonAsync($"/v1/reservations/{reservation.Str("id")}/commit", new { amount = 7 });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        committed.Str("status").Should().Be("committed");
        committed.Long("balance").Should().Be(93);
        committed.Long("available").Should().Be(93);
        await LedgerShouldMatchAccount();
    }

    [Fact]
    public async Task A_reservation_settles_once()
    {
        await Grant(100, "g");
        var (_, r) = await Reserve(20, "run-once");
        var id = r.Str("id");

        var commit = await _svc.PostJsonAsync($"/v1/reservations/{id}/commit", new { amount = 10 });
        var sameCommit = await _svc.PostJsonAsync($"/v1/reservations/{id}/commit", new { amount = 10 });
        var otherCommit = await _svc.PostJsonAsync($"/v1/reservations/{id}/commit", new { amount = 12 });
        var release = await _svc.PostJsonAsync($"/v1/reservations/{id}/release", new { reason = "late" });

        commit.Response.StatusCode.Should().Be(HttpStatusCode.OK);
        sameCommit.Response.StatusCode.Should().Be(HttpStatusCode.OK);
        otherCommit.Response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        release.Response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        release.Body.Str("code").Should().Be("reservation_settled");
        (await Balance()).Long("balance").Should().Be(90);
    }

    [Fact]
    public async Task Reducing_an_open_reservation_frees_the_rest_at_once_and_keeps_it_open_for_the_final_commit()
    {
        await Grant(100, "g");
        var (_, r) = await Reserve(40, "lease");
        var id = r.Str("id");

        var (reduced, view) = await _svc.PostJsonAsync($"/v1/reservations/{id}/reduce", new { amount = 15 });
        var (repeated, _) = await _svc.PostJsonAsync($"/v1/reservations/{id}/reduce", new { amount = 15 });
        var (raised, raiseProblem) = await _svc.PostJsonAsync($"/v1/reservations/{id}/reduce", new { amount = 16 });
        var (tooMuch, _) = await _svc.PostJsonAsync($"/v1/reservations/{id}/commit", new { amount = 16 });

        reduced.StatusCode.Should().Be(HttpStatusCode.OK);
        view.Str("status").Should().Be("open");
        view.Long("amount").Should().Be(15);
        view.Long("available").Should().Be(85);
        repeated.StatusCode.Should().Be(HttpStatusCode.OK, "a repeat changes nothing");
        raised.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        raiseProblem.Str("code").Should().Be("invalid_amount");
        tooMuch.StatusCode.Should().Be(HttpStatusCode.BadRequest, "the reservation holds 15 now");
        (await Balance()).Long("reserved").Should().Be(15);

        (await _svc.PostJsonAsync($"/v1/reservations/{id}/commit", new { amount = 12 })).Response.StatusCode.Should().Be(HttpStatusCode.OK);
        var (settledReduce, settledProblem) = await _svc.PostJsonAsync($"/v1/reservations/{id}/reduce", new { amount = 5 });

        settledReduce.StatusCode.Should().Be(HttpStatusCode.Conflict);
        settledProblem.Str("code").Should().Be("reservation_settled");
        var balance = await Balance();
        balance.Long("balance").Should().Be(88);
        balance.Long("reserved").Should().Be(0);
        await LedgerShouldMatchAccount();
    }

    [Fact]
    public async Task Concurrent_commit_and_release_of_one_reservation_settle_it_exactly_once()
    {
        await Grant(100, "g");
        var (_, r) = await Reserve(30, "race");
        var id = r.Str("id");

        var results = await Task.WhenAll(
            _svc.PostJsonAsync($"/v1/reservations/{id}/commit", new { amount = 30 }),
            _svc.PostJsonAsync($"/v1/reservations/{id}/release", new { }));

        results.Count(x => x.Response.StatusCode == HttpStatusCode.OK).Should().Be(1);
        var balance = (await Balance()).Long("balance");
        balance.Should().BeOneOf(70, 100);
        (await Balance()).Long("reserved").Should().Be(0);
        await LedgerShouldMatchAccount();
    }

    [Fact]
    public async Task Committing_more_than_reserved_is_refused()
    {
        await Grant(100, "g");
        var (_, r) = await Reserve(5, "run-small");

        var (response, problem) = await _svc.PostJsonAsync($"/v1/reservations/{r.Str("id")}/commit", new { amount = 6 });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        problem.Str("code").Should().Be("invalid_amount");
    }

    [Fact]
    public async Task A_reservation_replayed_with_its_key_is_the_same_reservation()
    {
        await Grant(100, "g");

        var first = await Reserve(10, "run-replay");
        var second = await Reserve(10, "run-replay");

        second.Body.Str("id").Should().Be(first.Body.Str("id"));
        (await Balance()).Long("reserved").Should().Be(10);
    }

    [Fact]
    public async Task An_uncommitted_reservation_expires_and_its_credits_come_back()
    {
        await Grant(50, "g");
        var (_, r) = await Reserve(50, "abandoned", ttl: 1);

        await Poller.UntilAsync(async () => (await _svc.GetJsonAsync($"/v1/reservations/{r.Str("id")}")).Body.Str("status") == "expired",
            "the reservation to expire");

        (await Balance()).Long("available").Should().Be(50);
        var late = await _svc.PostJsonAsync($"/v1/reservations/{r.Str("id")}/commit", new { amount = 50 });
        late.Response.StatusCode.Should().Be(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_clawback_takes_back_only_unspent_credits_of_the_order_and_records_the_shortfall()
    {
        await Grant(500, "o1/l1", order: "Order:refunded");
        await Grant(500, "o1/l2", order: "Order:refunded");
        await Grant(40, "other-order", order: "Order:kept");
        var (_, r) = await Reserve(300, "spend");
        await _svc.PostJsonAsync($"/v1/reservations/{r.Str("id")}/commit", new { amount = 300 });

        var (response, entry) = await _svc.PostJsonAsync($"/v1/tenants/{_tenant}/credits/clawbacks", new { order_id = "Order:refunded", reason = "refund" });
        var (_, again) = await _svc.PostJsonAsync($"/v1/tenants/{_tenant}/credits/clawbacks", new { order_id = "Order:refunded" });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        entry.Long("amount").Should().Be(740);           // everything available: 1040 - 300
        entry.Long("shortfall").Should().Be(260);        // granted 1000, took 740
        again.Long("id").Should().Be(entry.Long("id"));  // one clawback per order
        (await Balance()).Long("balance").Should().Be(0);
        await LedgerShouldMatchAccount();
    }

    [Fact]
    public async Task Entries_are_paged_newest_first()
    {
        for (var i = 0; i < 5; i++) await Grant(1, $"page-{i}");

        var (_, page1) = await _svc.GetJsonAsync($"/v1/tenants/{_tenant}/credits/entries?limit=2");
        var cursor = page1.GetProperty("next_cursor").GetInt64();
        var (_, page2) = await _svc.GetJsonAsync($"/v1/tenants/{_tenant}/credits/entries?limit=2&before={cursor}");
        var (_, page3) = await _svc.GetJsonAsync($"/v1/tenants/{_tenant}/credits/entries?limit=2&before={page2.GetProperty("next_cursor").GetInt64()}");

        var ids = page1.GetProperty("items").EnumerateArray().Concat(page2.GetProperty("items").EnumerateArray())
            .Concat(page3.GetProperty("items").EnumerateArray()).Select(e => e.Long("id")).ToList();
        ids.Should().HaveCount(5).And.BeInDescendingOrder().And.OnlyHaveUniqueItems();
        page3.TryGetProperty("next_cursor", out _).Should().BeFalse();
    }

    [Fact]
    public async Task A_tenant_reads_its_own_credits_but_not_anothers()
    {
        await Grant(10, "mine");
        var other = await _host.TenantAsync("other@example.com");
        using var buyer = await _host.BuyerAsync();

        (await buyer.GetAsync($"/v1/tenants/{_tenant}/credits")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await buyer.GetAsync($"/v1/tenants/{other}/credits")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await buyer.PostJsonAsync($"/v1/tenants/{_tenant}/credits/grants", new { amount = 5 }, "self-grant")).Response
            .StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    /// <summary>The account's balance and reserved equal the sums of the ledger's deltas: nothing moved off the books.</summary>
    async Task LedgerShouldMatchAccount()
    {
        await using var c = new NpgsqlConnection(_host.Database);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT a.balance, a.reserved, coalesce(sum(e.balance_delta), 0), coalesce(sum(e.reserved_delta), 0)
            FROM credit_accounts a LEFT JOIN credit_entries e ON e.tenant_id = a.tenant_id
            WHERE a.tenant_id = @t GROUP BY a.balance, a.reserved
            """, c);
        cmd.Parameters.AddWithValue("t", _tenant);
        await using var reader = await cmd.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue();
        reader.GetInt64(2).Should().Be(reader.GetInt64(0), "balance equals the sum of balance deltas");
        reader.GetInt64(3).Should().Be(reader.GetInt64(1), "reserved equals the sum of reserved deltas");
    }
}
