using System.Collections.Concurrent;
using Cmp.Messaging.Inbox;
using Cmp.Primitives;
using Cmp.Testing.Postgres;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Cmp.Messaging.Tests;

public sealed class InboxTestDb(DbContextOptions<InboxTestDb> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddInbox();
}

/// <summary>The durable inbox on a real PostgreSQL: deliveries are stored once, processed at least once with
/// retries and backoff, dead-lettered with the reason, replayable, and never processed twice at the same time for one partition.</summary>
public sealed class InboxTests(PostgresFixture pg) : IAsyncLifetime
{
    string _cs = "";
    readonly ScriptedHandler _handler = new();
    readonly InboxOptions _options = new() { BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5), MaxAttempts = 3 };

    public async ValueTask InitializeAsync()
    {
        _cs = await pg.CreateDatabaseAsync("inbox");
        await using var db = Db();
        await db.Database.EnsureCreatedAsync();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    InboxTestDb Db() => new(new DbContextOptionsBuilder<InboxTestDb>().UseNpgsql(_cs).Options);

    InboxStore<InboxTestDb> Store(InboxTestDb db) => new(db, TimeProvider.System, new InboxSignal());

    InboxProcessor<InboxTestDb> Processor(InboxTestDb db, IInboxHandler? handler = null, InboxOptions? options = null) =>
        new(db, [handler ?? _handler], TimeProvider.System, Options.Create(options ?? _options), NullLogger<InboxProcessor<InboxTestDb>>.Instance);

    async Task<InboxMessage> Read(long id)
    {
        await using var db = Db();
        return await db.Set<InboxMessage>().AsNoTracking().SingleAsync(m => m.Id == id);
    }

    async Task<long> Append(string key = "k1", string? partition = "order-1")
    {
        await using var db = Db();
        return (await Store(db).AppendAsync("saleor", key, "order_fully_paid", partition, "{\"x\": 1}", default)).Id;
    }

    async Task ProcessUntilIdle(IInboxHandler? handler = null, InboxOptions? options = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            await using var db = Db();
            await Processor(db, handler, options).RunOnceAsync(default);
            await using var check = Db();
            if (!await check.Set<InboxMessage>().AnyAsync(m => m.Status == InboxStatus.Pending)) return;
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task Identical_deliveries_share_one_row_and_are_counted()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            await using var db = Db();
            return await Store(db).AppendAsync("saleor", "same", "order_fully_paid", "o", "{}", default);
        }));

        results.Select(r => r.Id).Distinct().Should().ContainSingle();
        results.Count(r => r.IsNew).Should().Be(1);
        (await Read(results[0].Id)).DeliveryCount.Should().Be(10);
    }

    [Fact]
    public async Task A_message_is_handled_and_its_outcome_recorded()
    {
        var id = await Append();

        await ProcessUntilIdle();

        var m = await Read(id);
        m.Status.Should().Be(InboxStatus.Done);
        m.Attempts.Should().Be(1);
        m.Outcome.Should().Be("handled");
        m.ProcessedAt.Should().NotBeNull();
    }

    [Fact]
    public async Task Transient_failures_are_retried_until_success()
    {
        _handler.Script.Enqueue(Error.Transient("control_plane_unreachable", "down"));
        _handler.Script.Enqueue(Error.Transient("control_plane_unreachable", "down"));
        var id = await Append();

        await ProcessUntilIdle();

        var m = await Read(id);
        m.Status.Should().Be(InboxStatus.Done);
        m.Attempts.Should().Be(3);
        m.LastError.Should().BeNull();
    }

    [Fact]
    public async Task Too_many_failures_dead_letter_the_message_with_the_last_error()
    {
        for (var i = 0; i < 3; i++) _handler.Script.Enqueue(Error.Transient("saleor_timeout", $"attempt {i}"));
        var id = await Append();

        await ProcessUntilIdle();

        var m = await Read(id);
        m.Status.Should().Be(InboxStatus.Dead);
        m.Attempts.Should().Be(3);
        m.LastError.Should().Be("saleor_timeout: attempt 2");
    }

    [Fact]
    public async Task A_permanent_error_dead_letters_at_once()
    {
        _handler.Script.Enqueue(Error.Validation("malformed_payload", "no order"));
        var id = await Append();

        await ProcessUntilIdle();

        var m = await Read(id);
        m.Status.Should().Be(InboxStatus.Dead);
        m.Attempts.Should().Be(1);
    }

    [Fact]
    public async Task A_handler_that_throws_is_retried_not_lost()
    {
        _handler.Throws = 1;
        var id = await Append();

        await ProcessUntilIdle();

        (await Read(id)).Status.Should().Be(InboxStatus.Done);
        (await Read(id)).Attempts.Should().Be(2);
    }

    [Fact]
    public async Task An_unknown_event_type_is_acknowledged_and_ignored()
    {
        await using (var db = Db())
            await Store(db).AppendAsync("saleor", "k-unknown", "product_created", null, "{}", default);

        await ProcessUntilIdle();

        await using var check = Db();
        var m = await check.Set<InboxMessage>().SingleAsync(x => x.MessageKey == "k-unknown");
        m.Status.Should().Be(InboxStatus.Done);
        m.Outcome.Should().Contain("No handler");
    }

    [Fact]
    public async Task A_message_claimed_by_a_crashed_worker_comes_back_after_its_lease()
    {
        var id = await Append();
        var shortLease = new InboxOptions { Lease = TimeSpan.FromMilliseconds(300), BaseDelay = TimeSpan.FromMilliseconds(1) };
        using var crash = new CancellationTokenSource();
        var hanging = new HangingHandler(crash);

        await using (var db = Db())
        {
            var act = () => Processor(db, hanging, shortLease).RunOnceAsync(crash.Token);
            await act.Should().ThrowAsync<OperationCanceledException>();
        }
        (await Read(id)).Status.Should().Be(InboxStatus.Pending);

        await Task.Delay(400);
        await ProcessUntilIdle(options: shortLease);

        (await Read(id)).Status.Should().Be(InboxStatus.Done);
    }

    [Fact]
    public async Task Messages_of_one_partition_are_never_processed_at_the_same_time()
    {
        var ids = new List<long>();
        for (var i = 0; i < 6; i++) ids.Add(await Append($"p-{i}", partition: "order-42"));
        var gate = new ConcurrencyProbe();
        var onePerClaim = new InboxOptions { BatchSize = 1, BaseDelay = TimeSpan.FromMilliseconds(1) };

        // Three workers, each claiming one message at a time: without the partition lock they would overlap.
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => ProcessUntilIdle(gate, onePerClaim))));

        gate.MaxConcurrent.Should().Be(1);
        foreach (var id in ids) (await Read(id)).Status.Should().Be(InboxStatus.Done);
    }

    sealed class ScriptedHandler : IInboxHandler
    {
        public ConcurrentQueue<Error> Script { get; } = new();
        public int Throws;
        public IReadOnlyCollection<string> EventTypes => ["order_fully_paid"];

        public Task<Result<string>> HandleAsync(InboxMessage message, CancellationToken ct)
        {
            if (Interlocked.Decrement(ref Throws) >= 0) throw new InvalidOperationException("boom");
            return Task.FromResult(Script.TryDequeue(out var e) ? Result<string>.Failure(e) : Result<string>.Success("handled"));
        }
    }

    sealed class HangingHandler(CancellationTokenSource crash) : IInboxHandler
    {
        public IReadOnlyCollection<string> EventTypes => ["order_fully_paid"];

        public async Task<Result<string>> HandleAsync(InboxMessage message, CancellationToken ct)
        {
            await crash.CancelAsync();   // the process dies mid-way
            ct.ThrowIfCancellationRequested();
            return "unreachable";
        }
    }

    sealed class ConcurrencyProbe : IInboxHandler
    {
        int _current;
        public int MaxConcurrent;
        public IReadOnlyCollection<string> EventTypes => ["order_fully_paid"];

        public async Task<Result<string>> HandleAsync(InboxMessage message, CancellationToken ct)
        {
            var now = Interlocked.Increment(ref _current);
            InterlockedMax(ref MaxConcurrent, now);
            await Task.Delay(30, ct);
            Interlocked.Decrement(ref _current);
            return "ok";
        }

        static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while ((seen = target) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
        }
    }
}
