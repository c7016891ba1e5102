using Cmp.Kubernetes.Operator;

namespace Cmp.Kubernetes.Tests.Operator;

/// <summary>client-go work-queue guarantees the controller relies on.</summary>
public sealed class WorkQueueTests
{
    static async Task<string?> Next(WorkQueue q)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        return await q.GetAsync(cts.Token);
    }

    [Fact]
    public async Task A_key_added_twice_while_waiting_is_handed_out_once()
    {
        using var q = new WorkQueue();
        q.Add("a");
        q.Add("a");
        q.Add("b");

        (await Next(q)).Should().Be("a");
        (await Next(q)).Should().Be("b");
        q.Count.Should().Be(0);
    }

    [Fact]
    public async Task A_key_added_while_processing_is_not_handed_to_a_second_worker_but_comes_back_after_done()
    {
        using var q = new WorkQueue();
        q.Add("a");
        var key = await Next(q);

        q.Add("a");
        q.Count.Should().Be(0, "a key being processed is never queued for another worker");
        q.Done(key!);

        (await Next(q)).Should().Be("a");
    }

    [Fact]
    public async Task Delayed_adds_keep_the_earliest_due_time()
    {
        using var q = new WorkQueue();
        q.AddAfter("a", TimeSpan.FromMinutes(10));
        q.AddAfter("a", TimeSpan.FromMilliseconds(50));

        (await Next(q)).Should().Be("a");
    }

    [Fact]
    public void Rate_limited_adds_back_off_exponentially_per_key_until_forgotten()
    {
        using var q = new WorkQueue(baseDelay: TimeSpan.FromMilliseconds(100), maxDelay: TimeSpan.FromSeconds(1));

        var delays = Enumerable.Range(0, 6).Select(_ => q.AddRateLimited("a")).ToList();
        q.AddRateLimited("b").Should().Be(TimeSpan.FromMilliseconds(100), "backoff is per key");
        q.Forget("a");

        delays.Select(d => d.TotalMilliseconds).Should().Equal(100, 200, 400, 800, 1000, 1000);
        q.AddRateLimited("a").Should().Be(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Shutdown_releases_waiting_workers_and_refuses_new_keys()
    {
        using var q = new WorkQueue();
        var waiting = q.GetAsync(CancellationToken.None);

        q.ShutDown();
        q.Add("late");

        (await waiting.WaitAsync(TimeSpan.FromSeconds(5))).Should().BeNull();
        (await Next(q)).Should().BeNull();
    }
}
