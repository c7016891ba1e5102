using Cmp.Kubernetes.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cmp.Kubernetes.Operator;

/// <summary>
/// Runs the registered controllers inside the service's process: in file mode at once; against Kubernetes only while
/// this replica holds the leader Lease (every replica serves the API, one reconciles). On shutdown (SIGTERM) it stops
/// taking new work, lets in-flight reconciles finish within <see cref="OperatorOptions.ShutdownGrace"/>, then releases
/// the Lease so another replica takes over at once. Losing the Lease stops the controllers immediately.
/// </summary>
public sealed class OperatorHost(
    IServiceProvider services,
    IOptions<OperatorOptions> options,
    IEnumerable<IControllerRegistration> registrations,
    OperatorStatus status,
    TimeProvider clock,
    ILoggerFactory logs) : BackgroundService
{
    readonly ILogger _log = logs.CreateLogger<OperatorHost>();

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var o = options.Value;
        var regs = registrations.ToList();
        if (!o.Enabled || regs.Count == 0)
        {
            _log.LogInformation("Operator disabled ({Reason})", o.Enabled ? "no reconcilers registered" : "Operator:Enabled is false");
            return;
        }
        status.Source = o.Source;
        var identity = string.IsNullOrEmpty(o.LeaderElection.Identity) ? LeaderElector.DefaultIdentity() : o.LeaderElection.Identity;
        status.Identity = identity;
        IKubeClient? client = null;
        try
        {
            if (o.Source == OperatorSource.Kubernetes) client = (IKubeClient)services.GetService(typeof(IKubeClient))!;
        }
        catch (InvalidOperationException e)
        {
            _log.LogCritical("Operator cannot start: {Error}", e.Message);
            throw;
        }
        EventRecorder Events(IKubeClient? c) => new(c, o.ControllerName, identity, clock, logs.CreateLogger("Cmp.Kubernetes.Operator.Events"));
        var controllers = regs.Select(r => r.Create(services, o, Events)).ToList();
        status.Controllers = controllers;

        async Task Lead(CancellationToken leading)
        {
            status.IsLeader = true;
            try
            {
                // Graceful drain only when the process is stopping; a lost Lease must stop work at once.
                TimeSpan Grace() => stopping.IsCancellationRequested ? o.ShutdownGrace : TimeSpan.Zero;
                await Task.WhenAll(controllers.Select(c => c.RunAsync(Grace, leading)));
            }
            finally
            {
                status.IsLeader = false;
            }
        }

        if (o.Source == OperatorSource.File || !o.LeaderElection.Enabled)
        {
            _log.LogInformation("Operator running {Count} controllers from {Source} without leader election", controllers.Count, o.Source);
            await Lead(stopping);
            return;
        }
        var ns = string.IsNullOrEmpty(o.LeaderElection.LeaseNamespace) ? client!.DefaultNamespace : o.LeaderElection.LeaseNamespace;
        var elector = new LeaderElector(client!, o.LeaderElection, identity, ns, clock, logs.CreateLogger<LeaderElector>());
        await elector.RunAsync(Lead, stopping);
    }
}
