using Cmp.Kubernetes.Model;
using Cmp.Kubernetes.Operator;
using Cmp.Kubernetes.Resources;
using Cmp.Kubernetes.Tests.Operator.Example;
using Cmp.Simulators.KubeApi;
using Cmp.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Cmp.Kubernetes.Tests.Operator;

/// <summary>Without a cluster (<c>make dev</c>), offerings come from a YAML file and feed the same reconciler.</summary>
public sealed class FileSourceTests : IAsyncLifetime
{
    readonly string _dir = Directory.CreateTempSubdirectory("cmp-offerings-").FullName;
    readonly FakeCatalog _catalog = new();
    KubeApiServer _unused = null!;
    OperatorReplica? _replica;

    string FilePath => Path.Combine(_dir, "offerings.yaml");

    public async ValueTask InitializeAsync() => _unused = await KubeFake.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_replica is not null) await _replica.DisposeAsync();
        await _unused.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    static string Doc(string name, string sku, string amount, string template = "customer-support") => $$"""
        ---
        apiVersion: cmp.dev/v1alpha1
        kind: AgentOffering
        metadata:
          name: {{name}}
        spec:
          sku: {{sku}}
          kind: agent
          displayName: {{name}}
          price: {amount: "{{amount}}", currency: USD}
          flowTemplate: {name: {{template}}}
        """;

    async Task StartFileMode(params string[] docs)
    {
        await File.WriteAllTextAsync(FilePath, string.Join("\n", docs));
        _replica = await OperatorReplica.StartAsync(_unused, "file", _catalog, new Dictionary<string, string?>
        {
            ["Operator:Source"] = "File",
            ["Operator:File:Paths:0"] = FilePath,
            ["Operator:File:PollInterval"] = "00:00:00.100",
        });
    }

    FileResourceSource<AgentOffering> Source =>
        (FileResourceSource<AgentOffering>)((Controller<AgentOffering, ExampleOfferingReconciler>)_replica!.Status.Controllers[0]).Source;

    Task<AgentOffering> Until(string name, Func<AgentOffering, bool> condition, string what) =>
        Poller.ValueAsync(() => Task.FromResult(Source.GetCached($"default/{name}") is { } o && condition(o) ? o : null), what);

    async Task Rewrite(params string[] docs)
    {
        // Make sure the poller sees a different size or timestamp even on coarse file-system clocks.
        await File.WriteAllTextAsync(FilePath, string.Join("\n", docs) + new string(' ', Random.Shared.Next(1, 50)));
        File.SetLastWriteTimeUtc(FilePath, DateTime.UtcNow.AddSeconds(Random.Shared.Next(1, 1000)));
    }

    [Fact]
    public async Task Offerings_in_the_file_are_reconciled_with_status_and_finalizer_in_memory()
    {
        await StartFileMode(Doc("csa-basic", "CSA-BASIC", "19.99"), Doc("kba-pro", "KBA-PRO", "79.99", "knowledge-base"));

        var ready = await Until("csa-basic", o => o.Status?.Conditions.IsTrue(CmpConditions.Ready) == true, "csa-basic ready");
        await Until("kba-pro", o => o.Status?.Conditions.IsTrue(CmpConditions.Ready) == true, "kba-pro ready");

        ready.Metadata.Generation.Should().Be(1);
        ready.Metadata.Finalizers.Should().Contain(ExampleOfferingReconciler.Finalizer);
        _catalog.Products.Keys.Should().BeEquivalentTo("CSA-BASIC", "KBA-PRO");
        _replica!.Status.Source.Should().Be(OperatorSource.File);
        _replica.Status.IsLeader.Should().BeTrue();
    }

    [Fact]
    public async Task Editing_the_file_bumps_generation_and_removing_a_document_runs_the_finalizer()
    {
        await StartFileMode(Doc("a", "SKU-A", "10.00"), Doc("b", "SKU-B", "20.00"));
        await Until("b", o => o.Status?.ObservedGeneration == 1, "b reconciled");

        await Rewrite(Doc("a", "SKU-A", "12.50"));

        await Until("a", o => o.Status?.ObservedGeneration == 2, "the edit to be reconciled");
        await Poller.UntilAsync(() => Task.FromResult(Source.GetCached("default/b") is null && !_catalog.Products.ContainsKey("SKU-B")), "b to be finalized");
        _catalog.Products["SKU-A"].PriceMinor.Should().Be(1250);
    }

    [Fact]
    public async Task An_invalid_document_rejects_the_whole_reload_and_keeps_what_was_there()
    {
        await StartFileMode(Doc("a", "SKU-A", "10.00"));
        await Until("a", o => o.Status?.ObservedGeneration == 1, "a reconciled");

        await Rewrite(Doc("a", "SKU-A", "ten dollars"), "---\napiVersion: cmp.dev/v1alpha1\nkind: AgentOffering\nmetadata: {name: c}\nspec: {sku: SKU-C, kind: agent, displayName: c, price: {amount: '1', currency: USD}, colour: red}");

        await Poller.UntilAsync(() => Task.FromResult(Source.Problems.Count > 0), "the reload to be refused");
        Source.Problems.Should().Contain(p => p.Contains("spec.price.amount", StringComparison.Ordinal));
        Source.Problems.Should().Contain(p => p.Contains("colour", StringComparison.Ordinal), "unknown fields are errors, as kubectl's strict validation");
        Source.GetCached("default/a")!.Metadata.Generation.Should().Be(1);
        _catalog.Products.Should().ContainKey("SKU-A");
    }

    [Fact]
    public async Task The_shipped_demo_catalog_loads_in_file_mode()
    {
        var demo = Path.Combine(RepoPaths.Root, "argocd", "offerings", "demo-catalog.yaml");
        var source = new FileResourceSource<AgentOffering>([demo], "cmp", TimeSpan.FromSeconds(1), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        var keys = source.Reload()!;

        source.Problems.Should().BeEmpty();
        keys.Should().BeEquivalentTo("cmp/csa-basic", "cmp/csa-pro", "cmp/kba-basic", "cmp/kba-pro", "cmp/credits-100", "cmp/credits-500");
        var prices = keys.Select(k => source.GetCached(k)!.Spec).ToDictionary(s => s.Sku, s => s.ToMoney().Value.ToString());
        prices.Should().Equal(new Dictionary<string, string>
        {
            ["CSA-BASIC"] = "19.99 USD", ["CSA-PRO"] = "49.99 USD", ["KBA-BASIC"] = "29.99 USD",
            ["KBA-PRO"] = "79.99 USD", ["CREDITS-100"] = "10.00 USD", ["CREDITS-500"] = "40.00 USD",
        });
    }
}
