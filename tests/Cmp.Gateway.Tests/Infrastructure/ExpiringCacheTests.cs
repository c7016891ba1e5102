using Cmp.Gateway.Infrastructure.Caching;
using Cmp.Gateway.Tests.Support;

namespace Cmp.Gateway.Tests.Infrastructure;

/// <summary>The cache behind the API-key and instance lookups: one call per key per TTL, failures never kept.</summary>
public sealed class ExpiringCacheTests
{
    readonly ManualClock _clock = new();

    [Fact]
    public async Task Concurrent_misses_share_one_load()
    {
        var cache = new ExpiringCache<string, int>(_clock, TimeSpan.FromSeconds(5), 100);
        var gate = new TaskCompletionSource();
        var loads = 0;

        var waiters = Enumerable.Range(0, 20).Select(_ => cache.GetAsync("k", async _ => { Interlocked.Increment(ref loads); await gate.Task; return 42; }, _ => true)).ToList();
        gate.SetResult();

        (await Task.WhenAll(waiters)).Should().OnlyContain(v => v == 42);
        loads.Should().Be(1);
    }

    [Fact]
    public async Task An_entry_lives_ttl_from_when_its_load_started_not_from_when_it_ended()
    {
        var cache = new ExpiringCache<string, int>(_clock, TimeSpan.FromSeconds(5), 100);
        var loads = 0;
        Task<int> Load(string _)
        {
            loads++;
            _clock.Advance(TimeSpan.FromSeconds(3));   // a slow answer
            return Task.FromResult(loads);
        }

        (await cache.GetAsync("k", Load, _ => true)).Should().Be(1);
        _clock.Advance(TimeSpan.FromSeconds(1.9));
        (await cache.GetAsync("k", Load, _ => true)).Should().Be(1);
        _clock.Advance(TimeSpan.FromSeconds(0.1));
        (await cache.GetAsync("k", Load, _ => true)).Should().Be(2);
    }

    [Fact]
    public async Task Answers_the_predicate_refuses_and_exceptions_are_not_kept()
    {
        var cache = new ExpiringCache<string, string>(_clock, TimeSpan.FromSeconds(5), 100);
        var answers = new Queue<string>(["transient", "ok"]);

        (await cache.GetAsync("k", _ => Task.FromResult(answers.Dequeue()), v => v != "transient")).Should().Be("transient");
        (await cache.GetAsync("k", _ => Task.FromResult(answers.Dequeue()), v => v != "transient")).Should().Be("ok");
        await FluentActions.Awaiting(() => cache.GetAsync("x", _ => Task.FromException<string>(new InvalidOperationException("boom")), _ => true))
            .Should().ThrowAsync<InvalidOperationException>();
        (await cache.GetAsync("x", _ => Task.FromResult("recovered"), _ => true)).Should().Be("recovered");
    }

    [Fact]
    public async Task The_number_of_entries_stays_bounded()
    {
        var cache = new ExpiringCache<int, int>(_clock, TimeSpan.FromMinutes(5), 100);

        for (var i = 0; i < 1000; i++) await cache.GetAsync(i, k => Task.FromResult(k), _ => true);

        cache.Count.Should().BeLessThanOrEqualTo(101);
    }
}
