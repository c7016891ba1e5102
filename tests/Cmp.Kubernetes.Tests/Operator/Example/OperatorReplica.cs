using Cmp.Kubernetes.Client;
using Cmp.Kubernetes.Model;
using Cmp.Kubernetes.Operator;
using Cmp.Kubernetes.Resources;
using Cmp.Simulators.KubeApi;
using Cmp.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cmp.Kubernetes.Tests.Operator.Example;

/// <summary>
/// One operator process, hosted the way the control plane hosts it (generic host + <c>AddCmpOperator</c>), talking
/// to the fake API server over HTTP. <see cref="Crash"/> makes every further API call fail and stops the host
/// without letting it release anything — what a killed pod looks like to the rest of the cluster.
/// </summary>
public sealed class OperatorReplica : IAsyncDisposable
{
    readonly IHost _host;
    readonly PartitionHandler _switch;

    OperatorReplica(string name, IHost host, PartitionHandler killSwitch)
    {
        Name = name;
        _host = host;
        _switch = killSwitch;
    }

    public string Name { get; }
    public OperatorStatus Status => _host.Services.GetRequiredService<OperatorStatus>();
    public IServiceProvider Services => _host.Services;
    public long Reconciles => Status.Controllers.Sum(c => c.Reconciles);

    public static readonly Dictionary<string, string?> FastSettings = new()
    {
        ["Operator:Namespace"] = "",
        ["Operator:RetryBaseDelay"] = "00:00:00.050",
        ["Operator:RetryMaxDelay"] = "00:00:01",
        ["Operator:ShutdownGrace"] = "00:00:05",
        ["Operator:LeaderElection:LeaseName"] = "cmp-operator",
        ["Operator:LeaderElection:LeaseDuration"] = "00:00:02",
        ["Operator:LeaderElection:RenewDeadline"] = "00:00:01.500",
        ["Operator:LeaderElection:RetryPeriod"] = "00:00:00.250",
    };

    public static async Task<OperatorReplica> StartAsync(KubeApiServer api, string name, FakeCatalog catalog,
        IDictionary<string, string?>? settings = null, Action<OperatorBuilder>? register = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddFilter(_ => false);
        var config = new Dictionary<string, string?>(FastSettings) { ["Operator:LeaderElection:Identity"] = name };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) config[k] = v;
        builder.Configuration.AddInMemoryCollection(config);
        var killSwitch = new PartitionHandler();
        builder.Services.AddSingleton<IKubeClient>(KubeFake.Client(api, "cmp", new KubeClientSettings { RetryBaseDelay = TimeSpan.FromMilliseconds(20), UserAgent = name }, killSwitch));
        builder.Services.AddSingleton(catalog);
        builder.Services.AddSingleton(new ReplicaTag(name));
        var op = builder.Services.AddCmpOperator(builder.Configuration);
        if (register is null) op.AddReconciler<AgentOffering, ExampleOfferingReconciler>(c => c.Owns<ConfigMap>());
        else register(op);
        var host = builder.Build();
        await host.StartAsync();
        return new OperatorReplica(name, host, killSwitch);
    }

    /// <summary>Graceful stop: SIGTERM in a pod.</summary>
    public Task StopAsync() => _host.StopAsync(TimeSpan.FromSeconds(30));

    /// <summary>A crash: no more API calls get through, nothing is released.</summary>
    public async Task CrashAsync()
    {
        _switch.Cut = true;
        await _host.StopAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>A network partition: the process keeps running but cannot reach the API server.</summary>
    public void Partition(bool cut) => _switch.Cut = cut;

    public async ValueTask DisposeAsync()
    {
        try { await _host.StopAsync(TimeSpan.FromSeconds(10)); } catch (OperationCanceledException) { }
        _host.Dispose();
    }
}
