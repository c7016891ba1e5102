using Cmp.Testing.Simulators;

namespace Cmp.Saleor.Tests.Support;

/// <summary>One Saleor simulator process per test class (tests in a class run one after another).</summary>
public class SaleorSimulatorFixture : IAsyncLifetime
{
    public SaleorSimulator Sim { get; private set; } = null!;

    public virtual async ValueTask InitializeAsync() => Sim = await SaleorSimulator.StartAsync();

    public virtual async ValueTask DisposeAsync() => await Sim.DisposeAsync();
}
