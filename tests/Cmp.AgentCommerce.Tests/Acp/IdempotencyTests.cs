using System.Text.Json.Nodes;
using Cmp.AgentCommerce.Tests.Harness;
using Cmp.Gateway.Infrastructure.Commerce.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cmp.AgentCommerce.Tests.Acp;

/// <summary>Idempotency-Key with each version's semantics (conformance checklist B, 12–26; acp.md §3).</summary>
public sealed class IdempotencyTests(CommerceWorld world)
{
    public static TheoryData<string> Versions => new() { "2025-09-29", "2026-04-17" };

    [Fact]
    public async Task In_2026_04_17_every_POST_needs_a_key_and_nothing_happens_without_one()
    {
        using var acp = world.Gateway.Acp("2026-04-17");
        var created = await acp.CreateAsync(AcpBodies.Create("2026-04-17", ("CSA-PRO", 1)));
        await using var db = world.Gateway.Db();
        var before = await db.Sessions.CountAsync();

        var responses = new[]
        {
            await acp.CreateAsync(AcpBodies.Create("2026-04-17", ("CSA-PRO", 1)), idempotencyKey: null),
            await acp.UpdateAsync(created.Id, new { buyer = AcpBodies.Buyer() }, idempotencyKey: null),
            await acp.CompleteAsync(created.Id, AcpBodies.Pay("2026-04-17", "vt_whatever"), idempotencyKey: null),
            await acp.CancelAsync(created.Id, idempotencyKey: null),
        };
        foreach (var r in responses)
        {
            r.Status.Should().Be(400, "checklist 12, 72");
            r.Code.Should().Be("idempotency_key_required");
        }
        (await db.Sessions.CountAsync()).Should().Be(before, "no side effects");
        (await acp.GetAsync(created.Id)).StatusText.Should().Be("not_ready_for_payment", "not updated, not canceled; GET needs no key (checklist 14, 54)");
    }

    [Fact]
    public async Task In_2025_09_29_the_key_is_optional()
    {
        using var acp = world.Gateway.Acp("2025-09-29");
        (await acp.CreateAsync(AcpBodies.Create("2025-09-29", ("CSA-PRO", 1)), idempotencyKey: null)).Status.Should().Be(201);
    }

    [Theory]
    [InlineData("")]
    [InlineData("k256")]
    public async Task An_empty_or_over_long_key_is_a_400(string key)
    {
        using var acp = world.Gateway.Acp("2026-04-17");
        var r = await acp.CreateAsync(AcpBodies.Create("2026-04-17", ("CSA-PRO", 1)), idempotencyKey: key == "k256" ? new string('k', 256) : key);
        r.Status.Should().Be(400, "checklist 13");
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task A_replay_returns_the_same_status_and_body_marked_replayed_and_creates_nothing(string version)
    {
        using var acp = world.Gateway.Acp(version);
        var key = Guid.NewGuid().ToString();
        var body = AcpBodies.Create(version, ("CSA-BASIC", 1));
        var first = await acp.CreateAsync(body, key);
        var again = await acp.CreateAsync(body, key);
        first.Status.Should().Be(201);
        first.Header("Idempotent-Replayed").Should().BeNull("checklist 16: the first response is not a replay");
        again.Status.Should().Be(201, "checklist 15: a create replay is still 201");
        again.Text.Should().Be(first.Text, "the stored response, byte for byte");
        again.Header("Idempotent-Replayed").Should().Be("true");
        first.Header("Idempotency-Key").Should().Be(key, "checklist 26");
        again.Header("Idempotency-Key").Should().Be(key);
        await using var db = world.Gateway.Db();
        (await db.Sessions.CountAsync(s => s.Id == first.Id)).Should().Be(1);
        (await db.IdempotencyKeys.CountAsync(k => k.Key == key)).Should().Be(1, "checklist 18: one session for one key");
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task Equality_ignores_member_order_and_number_spelling_but_not_array_order_or_null(string version)
    {
        using var acp = world.Gateway.Acp(version);
        var items = version == "2025-09-29" ? "items" : "line_items";
        var key = Guid.NewGuid().ToString();
        string Body(string a, string b, string extra = "") => version == "2025-09-29"
            ? $"{{\"items\":[{a},{b}]{extra}}}"
            : $"{{\"currency\":\"usd\",\"capabilities\":{{}},\"{items}\":[{a},{b}]{extra}}}";
        const string basic = "{\"id\":\"CSA-BASIC\",\"quantity\":1}";
        const string credits = "{\"id\":\"CREDITS-100\",\"quantity\":2}";
        var first = await acp.SendAsync(HttpMethod.Post, "/acp/checkout_sessions", Body(basic, credits), key);
        first.Status.Should().Be(201);

        var reordered = await acp.SendAsync(HttpMethod.Post, "/acp/checkout_sessions",
            Body("{\"quantity\":1.0,\"id\":\"CSA-BASIC\"}", "{ \"quantity\" : 2 , \"id\" : \"CREDITS-100\" }"), key);
        reordered.Id.Should().Be(first.Id, "member order and 1 vs 1.0 do not matter (checklist 19)");
        reordered.Header("Idempotent-Replayed").Should().Be("true");

        var swapped = await acp.SendAsync(HttpMethod.Post, "/acp/checkout_sessions", Body(credits, basic), key);
        swapped.Status.Should().Be(version == "2025-09-29" ? 409 : 422, "array order matters (checklist 19, 20)");
        swapped.Code.Should().Be("idempotency_conflict");

        var withNull = await acp.SendAsync(HttpMethod.Post, "/acp/checkout_sessions", Body(basic, credits, ",\"buyer\":null"), key);
        withNull.Code.Should().Be("idempotency_conflict", "an explicit null is not an absent member (checklist 19)");
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task The_same_key_on_another_path_or_from_another_platform_is_independent(string version)
    {
        using var mine = world.Gateway.Acp(version);
        using var other = world.Gateway.Acp(version, CommerceWorld.OtherPlatformKey);
        var key = Guid.NewGuid().ToString();
        var created = await mine.CreateAsync(AcpBodies.Create(version, ("CSA-PRO", 1)), key);
        var update = await mine.UpdateAsync(created.Id, new { buyer = AcpBodies.Buyer() }, key);
        update.Status.Should().Be(200, "checklist 22: same key, other path");
        update.Header("Idempotent-Replayed").Should().BeNull();
        var theirs = await other.CreateAsync(AcpBodies.Create(version, ("KBA-PRO", 1)), key);
        theirs.Status.Should().Be(201, "checklist 23: same key, other caller");
        theirs.Id.Should().NotBe(created.Id);
    }

    [Fact]
    public async Task A_key_still_held_by_a_running_request_is_a_409_with_Retry_After()
    {
        using var acp = world.Gateway.Acp("2026-04-17");
        var key = Guid.NewGuid().ToString();
        var body = AcpBodies.Create("2026-04-17", ("CSA-PRO", 1));
        // A request that is running (or crashed a moment ago) holds its key with a lease.
        var fingerprint = Cmp.Gateway.Features.Acp.Protocol.CanonicalJson.Fingerprint(System.Text.Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(body)));
        await using (var db = world.Gateway.Db())
        {
            db.IdempotencyKeys.Add(new IdempotencyRow
            {
                Scope = "platform:test-platform", Route = "POST /acp/checkout_sessions", Key = key, Fingerprint = fingerprint,
                State = IdempotencyState.InFlight, CreatedAt = DateTimeOffset.UtcNow, ExpiresAt = DateTimeOffset.UtcNow.AddDays(1),
                LockedUntil = DateTimeOffset.UtcNow.AddMinutes(1),
            });
            await db.SaveChangesAsync();
        }
        var r = await acp.CreateAsync(body, key);
        r.Status.Should().Be(409, "checklist 21");
        r.Code.Should().Be("idempotency_in_flight");
        int.Parse(r.Header("Retry-After")!, System.Globalization.CultureInfo.InvariantCulture).Should().BePositive();

        // When the holder died (its lease ran out), the key is processed again rather than stuck.
        await using (var db = world.Gateway.Db())
            await db.IdempotencyKeys.Where(k => k.Key == key).ExecuteUpdateAsync(s => s.SetProperty(k => k.LockedUntil, DateTimeOffset.UtcNow.AddSeconds(-1)));
        (await acp.CreateAsync(body, key)).Status.Should().Be(201);
    }

    [Fact]
    public async Task After_the_retention_window_a_reused_key_is_a_new_request_and_expired_keys_are_swept()
    {
        using var acp = world.Gateway.Acp("2026-04-17");
        var key = Guid.NewGuid().ToString();
        var first = await acp.CreateAsync(AcpBodies.Create("2026-04-17", ("CSA-PRO", 1)), key);
        await using var db = world.Gateway.Db();
        var row = await db.IdempotencyKeys.SingleAsync(k => k.Key == key);
        (row.ExpiresAt - row.CreatedAt).Should().BeGreaterThanOrEqualTo(TimeSpan.FromHours(24), "checklist 25: kept at least 24 h");
        (await acp.CreateAsync(AcpBodies.Create("2026-04-17", ("CSA-PRO", 1)), key)).Header("Idempotent-Replayed").Should().Be("true");

        await db.IdempotencyKeys.Where(k => k.Key == key).ExecuteUpdateAsync(s => s.SetProperty(k => k.ExpiresAt, DateTimeOffset.UtcNow.AddSeconds(-1)));
        var reused = await acp.CreateAsync(AcpBodies.Create("2026-04-17", ("KBA-PRO", 1)), key);
        reused.Status.Should().Be(201, "past retention a reuse is new, not a conflict (checklist 25)");
        reused.Id.Should().NotBe(first.Id);

        var store = world.Gateway.Service.Services.GetRequiredService<Cmp.Gateway.Features.Acp.Idempotency.IdempotencyStore>();
        await db.IdempotencyKeys.Where(k => k.Key == key).ExecuteUpdateAsync(s => s.SetProperty(k => k.ExpiresAt, DateTimeOffset.UtcNow.AddSeconds(-1)));
        (await store.SweepAsync(CancellationToken.None)).Should().BeGreaterThanOrEqualTo(1);
        (await db.IdempotencyKeys.CountAsync(k => k.Key == key)).Should().Be(0);
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task A_complete_replay_charges_nothing_more_and_returns_the_same_order(string version)
    {
        using var acp = world.Gateway.Acp(version);
        var created = await acp.CreateAsync(AcpBodies.Create(version, AcpBodies.Buyer(), null, ("CREDITS-100", 1)));
        var vt = (await acp.DelegateAsync(AcpBodies.Delegate(created.Id, 1000))).Id;
        var key = Guid.NewGuid().ToString();
        var body = AcpBodies.Pay(version, vt, billing: AcpBodies.Address());
        var first = await acp.CompleteAsync(created.Id, body, key);
        var again = await acp.CompleteAsync(created.Id, body, key);
        first.StatusText.Should().Be("completed");
        again.Text.Should().Be(first.Text, "checklist 17");
        again.Header("Idempotent-Replayed").Should().Be("true");
        var fresh = await acp.CompleteAsync(created.Id, body);
        fresh.Status.Should().Be(200, "checklist 65: a new key on a completed session returns it");
        fresh.Body.GetProperty("order").GetProperty("id").GetString().Should().Be(first.Body.GetProperty("order").GetProperty("id").GetString());
        await using var db = world.Gateway.Db();
        (await db.TestPspCharges.CountAsync(c => c.CheckoutSessionId == created.Id)).Should().Be(1, "one charge");
        (await db.PaymentAttempts.CountAsync(a => a.SessionId == created.Id)).Should().Be(1);
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task Concurrent_completes_of_one_session_make_one_order(string version)
    {
        using var acp = world.Gateway.Acp(version);
        var created = await acp.CreateAsync(AcpBodies.Create(version, AcpBodies.Buyer(), null, ("CSA-BASIC", 1)));
        var vt = (await acp.DelegateAsync(AcpBodies.Delegate(created.Id, 1999))).Id;
        var body = AcpBodies.Pay(version, vt, billing: AcpBodies.Address());
        var replies = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => acp.CompleteAsync(created.Id, body)));
        var orders = replies.Where(r => r.Status == 200).Select(r => r.Body.GetProperty("order").GetProperty("id").GetString()).Distinct().ToArray();
        orders.Should().ContainSingle("every complete that answered 200 answers the one order");
        replies.Should().OnlyContain(r => r.Status == 200 || r.Status == 409, string.Join("\n", replies.Select(r => r.ToString())));
        await using var db = world.Gateway.Db();
        (await db.TestPspCharges.CountAsync(c => c.CheckoutSessionId == created.Id)).Should().Be(1, "one charge");
        (await db.PaymentAttempts.CountAsync(a => a.SessionId == created.Id && a.Status == AttemptStatus.Succeeded)).Should().Be(1);
    }
}
