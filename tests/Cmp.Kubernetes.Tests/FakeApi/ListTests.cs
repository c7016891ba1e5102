using Cmp.Kubernetes.Client;
using Cmp.Kubernetes.Model;
using Cmp.Simulators.KubeApi;

namespace Cmp.Kubernetes.Tests.FakeApi;

/// <summary>List semantics (API concepts: "Retrieving large results sets in chunks", label and field selectors).</summary>
public sealed class ListTests : IAsyncLifetime
{
    KubeApiServer _api = null!;
    KubeClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _api = await KubeFake.StartAsync();
        _client = KubeFake.Client(_api);
        for (var i = 0; i < 7; i++)
            (await _client.CreateAsync(new ConfigMap
            {
                Metadata = new() { Name = $"cm-{i}", Namespace = i < 5 ? "a" : "b", Labels = new() { ["tier"] = i % 2 == 0 ? "even" : "odd" } },
            })).Ok();
    }

    public ValueTask DisposeAsync() => _api.DisposeAsync();

    [Fact]
    public async Task Pages_follow_continue_tokens_and_form_one_consistent_snapshot()
    {
        var firstPage = _api.Store.List(_api.Store.Registry.Find("", "v1", "configmaps")!, null, null, null, 3, null);
        (await _client.CreateAsync(new ConfigMap { Metadata = new() { Name = "late", Namespace = "a" } })).Ok();
        var secondPage = _api.Store.List(_api.Store.Registry.Find("", "v1", "configmaps")!, null, null, null, 3, firstPage["metadata"]!["continue"]!.GetValue<string>());

        firstPage["items"]!.AsArray().Should().HaveCount(3);
        firstPage["metadata"]!["remainingItemCount"]!.GetValue<long>().Should().Be(4);
        secondPage["metadata"]!["resourceVersion"]!.GetValue<string>().Should().Be(firstPage["metadata"]!["resourceVersion"]!.GetValue<string>());
        secondPage["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()).Should().NotContain("late");
    }

    [Fact]
    public async Task The_client_follows_every_page()
    {
        var all = (await _client.ListAsync<ConfigMap>(options: new ListOptions { Limit = 2 })).Ok();

        all.Items.Should().HaveCount(7);
        _api.Requests.All.Count(r => r.PathAndQuery.Contains("continue=", StringComparison.Ordinal)).Should().Be(3);
    }

    [Fact]
    public void An_expired_continue_token_is_410()
    {
        var firstPage = _api.Store.List(_api.Store.Registry.Find("", "v1", "configmaps")!, null, null, null, 3, null);
        _api.Store.Compact();

        var act = () => _api.Store.List(_api.Store.Registry.Find("", "v1", "configmaps")!, null, null, null, 3, firstPage["metadata"]!["continue"]!.GetValue<string>());

        act.Should().Throw<Cmp.Simulators.KubeApi.Semantics.ApiException>().Which.Code.Should().Be(410);
    }

    [Fact]
    public async Task Label_and_field_selectors_and_namespaces_filter()
    {
        (await _client.ListAsync<ConfigMap>("a")).Ok().Items.Should().HaveCount(5);
        (await _client.ListAsync<ConfigMap>(options: new ListOptions { LabelSelector = "tier=even" })).Ok().Items.Should().HaveCount(4);
        (await _client.ListAsync<ConfigMap>(options: new ListOptions { LabelSelector = "tier in (odd),tier!=even" })).Ok().Items.Should().HaveCount(3);
        (await _client.ListAsync<ConfigMap>(options: new ListOptions { LabelSelector = "!tier" })).Ok().Items.Should().BeEmpty();
        (await _client.ListAsync<ConfigMap>(options: new ListOptions { FieldSelector = "metadata.name=cm-6" })).Ok().Items.Should().ContainSingle()
            .Which.Metadata.Namespace.Should().Be("b");
    }

    [Fact]
    public async Task List_items_of_built_in_kinds_are_given_their_type()
    {
        var all = (await _client.ListAsync<ConfigMap>()).Ok();

        all.Items.Should().OnlyContain(i => i.ApiVersion == "v1" && i.Kind == "ConfigMap");
    }

    [Fact]
    public async Task Unknown_resources_are_404()
    {
        using var http = new HttpClient { BaseAddress = _api.Url };
        (await http.GetAsync("/apis/nothing.example/v1/widgets")).StatusCode.Should().Be(System.Net.HttpStatusCode.NotFound);
    }
}
