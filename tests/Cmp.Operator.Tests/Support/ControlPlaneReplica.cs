using Cmp.ControlPlane.Infrastructure.Flows;
using Cmp.Kubernetes.Client;
using Cmp.Kubernetes.Operator;
using Cmp.Testing;
using Cmp.Testing.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Cmp.Operator.Tests.Support;

/// <summary>
/// One control-plane pod: the real service (API, workers, operator) on Kestrel, talking to the fake Kubernetes API
/// through a <see cref="PartitionHandler"/> so a test can kill it the way a node failure would (no lease released).
/// </summary>
public sealed class ControlPlaneReplica : IAsyncDisposable
{
    readonly PartitionHandler _network = new();

    ControlPlaneReplica(string name) => Name = name;

    public string Name { get; }
    public ServiceFactory<Cmp.ControlPlane.Program> Service { get; private set; } = null!;
    public OperatorStatus Status => Service.Services.GetRequiredService<OperatorStatus>();

    /// <summary>Reconciles run by this replica's controllers (the instance mirror counts the objects it wrote).</summary>
    public long Reconciles => Status.Controllers.Sum(c => c.Reconciles);

    /// <param name="flowsThroughRunner">Deploy flows through the real runner client (Http:runner:BaseAddress in
    /// <paramref name="overrides"/>) instead of the world's recording deployer.</param>
    public static ControlPlaneReplica Start(OperatorWorld world, string name, IDictionary<string, string?>? overrides = null, bool flowsThroughRunner = false)
    {
        var replica = new ControlPlaneReplica(name);
        var settings = world.Settings(name);
        foreach (var (k, v) in overrides ?? new Dictionary<string, string?>()) settings[k] = v;
        var client = new KubeClient(new HttpClient(replica._network) { BaseAddress = world.Api.Url }, OperatorWorld.Namespace,
            new KubeClientSettings { RetryBaseDelay = TimeSpan.FromMilliseconds(20), UserAgent = name });
        replica.Service = new ServiceFactory<Cmp.ControlPlane.Program>(settings, b => b.ConfigureTestServices(s =>
        {
            s.AddSingleton<IKubeClient>(client);
            if (!flowsThroughRunner) s.AddSingleton<IFlowDeployer>(world.Flows);
        }));
        replica.Service.Start();
        return replica;
    }

    /// <summary>A killed pod: its API calls stop getting through at once, then the process goes without releasing anything.</summary>
    public async Task CrashAsync()
    {
        _network.Cut = true;
        await Service.DisposeAsync();
    }

    /// <summary>A network partition: the process runs on but cannot reach the API server (open watches break).</summary>
    public void Partition(bool cut) => _network.Cut = cut;

    public async ValueTask DisposeAsync()
    {
        try { await Service.DisposeAsync(); }
        catch (ObjectDisposedException) { }   // already crashed
    }
}
