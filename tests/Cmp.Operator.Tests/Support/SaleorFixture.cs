using Cmp.Testing.Simulators;

namespace Cmp.Operator.Tests.Support;

/// <summary>One Saleor simulator for the whole assembly (a node process takes a while to start). Tests share it, so
/// each one declares its own SKUs.</summary>
public sealed class SaleorFixture : IAsyncLifetime
{
    public SaleorSimulator Sim { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Sim = await SaleorSimulator.StartAsync();

    public async ValueTask DisposeAsync() => await Sim.DisposeAsync();
}
