using Cmp.Kubernetes.Client;
using Cmp.Kubernetes.Model;
using Cmp.Kubernetes.Resources;
using Cmp.Simulators.KubeApi;

namespace Cmp.Kubernetes.Tests.FakeApi;

/// <summary>Watch semantics (API concepts: "Efficient detection of changes", "Resource versions", "Watch bookmarks").</summary>
public sealed class WatchTests : IAsyncLifetime
{
    KubeApiServer _api = null!;
    KubeClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _api = await KubeFake.StartAsync(new KubeApiServerOptions { HistoryLimit = 20, BookmarkInterval = TimeSpan.FromMilliseconds(100) });
        _client = KubeFake.Client(_api);
    }

    public ValueTask DisposeAsync() => _api.DisposeAsync();

    static async Task<List<WatchEvent<T>>> Collect<T>(IAsyncEnumerable<WatchEvent<T>> stream, int count, TimeSpan? within = null)
    {
        using var cts = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(10));
        var events = new List<WatchEvent<T>>();
        try
        {
            await foreach (var e in stream.WithCancellation(cts.Token))
            {
                events.Add(e);
                if (events.Count == count) break;
            }
        }
        catch (OperationCanceledException) { }
        return events;
    }

    [Fact]
    public async Task A_watch_from_a_resource_version_delivers_every_later_change_in_order()
    {
        var list = (await _client.ListAsync<AgentOffering>()).Ok();
        (await _client.CreateAsync(KubeFake.Offering("a"))).Ok();
        var a = (await _client.PatchAsync<AgentOffering>("a", null, KubePatch.Merge(new { spec = new { displayName = "A2" } }))).Ok();
        (await _client.DeleteAsync<AgentOffering>("a")).Ok();

        var events = await Collect(_client.WatchAsync<AgentOffering>(null, new WatchOptions { ResourceVersion = list.Metadata.ResourceVersion, AllowBookmarks = false }), 3);

        events.Select(e => e.Type).Should().Equal(WatchEventType.Added, WatchEventType.Modified, WatchEventType.Deleted);
        events[1].Object!.Spec.DisplayName.Should().Be("A2");
        events[1].Object!.Metadata.ResourceVersion.Should().Be(a.Metadata.ResourceVersion);
        long.Parse(events[2].Object!.Metadata.ResourceVersion!).Should().BeGreaterThan(long.Parse(a.Metadata.ResourceVersion!));
    }

    [Fact]
    public async Task A_watch_without_a_resource_version_starts_with_the_current_objects_as_added()
    {
        (await _client.CreateAsync(KubeFake.Offering("b"))).Ok();
        (await _client.CreateAsync(KubeFake.Offering("c", "CSA-BASIC"))).Ok();

        var events = await Collect(_client.WatchAsync<AgentOffering>(null, new WatchOptions { AllowBookmarks = false }), 2);

        events.Should().OnlyContain(e => e.Type == WatchEventType.Added);
        events.Select(e => e.Object!.Metadata.Name).Should().BeEquivalentTo("b", "c");
    }

    [Fact]
    public async Task A_resource_version_older_than_the_history_gets_410_gone()
    {
        var list = (await _client.ListAsync<ConfigMap>()).Ok();
        for (var i = 0; i < 25; i++) (await _client.CreateAsync(new ConfigMap { Metadata = new() { Name = $"cm-{i}" } })).Ok();

        var events = await Collect(_client.WatchAsync<ConfigMap>(null, new WatchOptions { ResourceVersion = list.Metadata.ResourceVersion }), 1);

        events.Should().ContainSingle().Which.IsGone.Should().BeTrue();
        events[0].Status!.Reason.Should().Be("Expired");
    }

    [Fact]
    public async Task Compaction_expires_every_older_resume_point()
    {
        var list = (await _client.ListAsync<ConfigMap>()).Ok();
        (await _client.CreateAsync(new ConfigMap { Metadata = new() { Name = "before" } })).Ok();
        _api.Store.Compact();

        var events = await Collect(_client.WatchAsync<ConfigMap>(null, new WatchOptions { ResourceVersion = list.Metadata.ResourceVersion }), 1);

        events.Should().ContainSingle().Which.IsGone.Should().BeTrue();
    }

    [Fact]
    public async Task A_quiet_watch_receives_bookmarks_carrying_the_current_resource_version()
    {
        (await _client.CreateAsync(new ConfigMap { Metadata = new() { Name = "x" } })).Ok();
        var list = (await _client.ListAsync<ConfigMap>()).Ok();

        var events = await Collect(_client.WatchAsync<ConfigMap>(null, new WatchOptions { ResourceVersion = list.Metadata.ResourceVersion, AllowBookmarks = true }), 1);

        events.Should().ContainSingle().Which.Type.Should().Be(WatchEventType.Bookmark);
        events[0].Object!.Metadata.ResourceVersion.Should().Be(list.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task The_server_ends_a_watch_after_its_timeout()
    {
        var list = (await _client.ListAsync<ConfigMap>()).Ok();
        var started = DateTime.UtcNow;

        var events = await Collect(_client.WatchAsync<ConfigMap>(null, new WatchOptions { ResourceVersion = list.Metadata.ResourceVersion, AllowBookmarks = false, Timeout = TimeSpan.FromSeconds(1) }), 100, TimeSpan.FromSeconds(15));

        events.Should().BeEmpty();
        (DateTime.UtcNow - started).Should().BeLessThan(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_namespaced_watch_sees_only_its_namespace()
    {
        var list = (await _client.ListAsync<ConfigMap>()).Ok();
        (await _client.CreateAsync(new ConfigMap { Metadata = new() { Name = "other", Namespace = "other" } })).Ok();
        (await _client.CreateAsync(new ConfigMap { Metadata = new() { Name = "mine", Namespace = "mine" } })).Ok();

        var events = await Collect(_client.WatchAsync<ConfigMap>("mine", new WatchOptions { ResourceVersion = list.Metadata.ResourceVersion, AllowBookmarks = false }), 1);

        events.Should().ContainSingle().Which.Object!.Metadata.Name.Should().Be("mine");
    }

    [Fact]
    public async Task Closing_watches_server_side_ends_the_stream_for_the_client()
    {
        var list = (await _client.ListAsync<ConfigMap>()).Ok();
        var collecting = Collect(_client.WatchAsync<ConfigMap>(null, new WatchOptions { ResourceVersion = list.Metadata.ResourceVersion, AllowBookmarks = false }), 100, TimeSpan.FromSeconds(20));
        await Cmp.Testing.Poller.UntilAsync(() => Task.FromResult(_api.Store.OpenWatches == 1), "the watch to open");

        _api.Store.CloseWatches();

        (await collecting.WaitAsync(TimeSpan.FromSeconds(10))).Should().BeEmpty();
    }
}
