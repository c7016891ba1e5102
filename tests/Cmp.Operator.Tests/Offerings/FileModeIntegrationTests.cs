using System.Net.Http.Json;
using System.Text.Json;
using Cmp.Operator.Tests.Support;
using Cmp.Testing;
using Cmp.Testing.Postgres;

namespace Cmp.Operator.Tests.Offerings;

/// <summary>
/// <c>Operator:Source=File</c> (what <c>make dev</c> runs): the control plane reads AgentOffering objects from YAML
/// files, with no cluster, and follows edits to them.
/// </summary>
public sealed class FileModeIntegrationTests(PostgresFixture pg, SaleorFixture saleor) : IAsyncLifetime
{
    readonly OperatorWorld _world = new(pg, saleor);
    readonly string _file = Path.Combine(Path.GetTempPath(), $"cmp-offerings-{Guid.NewGuid():N}.yaml");
    ControlPlaneReplica _cp = null!;

    public async ValueTask InitializeAsync()
    {
        await _world.InitializeAsync();
        await File.WriteAllTextAsync(_file, await File.ReadAllTextAsync(DemoOfferings.YamlPath));
        _cp = ControlPlaneReplica.Start(_world, "cp-file", new Dictionary<string, string?>
        {
            ["Operator:Source"] = "File",
            ["Operator:File:Paths:0"] = _file,
            ["Operator:File:PollInterval"] = "00:00:00.200",
            ["Operator:Offerings:SaleorSync"] = "false",
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _cp.DisposeAsync();
        await _world.DisposeAsync();
        File.Delete(_file);
    }

    [Fact]
    public async Task The_demo_catalog_file_declares_every_demo_offering_and_edits_are_followed()
    {
        using var admin = await _world.AdminAsync(_cp);
        await DemoOfferings.WaitDeclaredAsync(admin, TimeSpan.FromSeconds(30));

        foreach (var (sku, spec) in DemoOfferings.All)
        {
            var stored = await admin.GetFromJsonAsync<JsonElement>($"/v1/offerings/{sku}");
            stored.GetProperty("price_minor").GetInt64().Should().Be(spec.PriceMinor, sku);
            stored.GetProperty("managed_by").GetString().Should().Be("kubernetes", sku);
        }
        _world.Api.Requests.All.Should().BeEmpty("file mode needs no cluster");

        var yaml = await File.ReadAllTextAsync(_file);
        await File.WriteAllTextAsync(_file, yaml.Replace("amount: \"19.99\"", "amount: \"17.99\"", StringComparison.Ordinal));

        await Poller.UntilAsync(async () =>
            (await admin.GetFromJsonAsync<JsonElement>("/v1/offerings/CSA-BASIC")).GetProperty("price_minor").GetInt64() == 1799, "the price edit to be applied");
    }
}
