using Cmp.Kubernetes.Client;
using Cmp.Kubernetes.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cmp.Kubernetes.Operator;

/// <summary>A reconciler registered with the operator; builds its controller for the configured source.</summary>
public interface IControllerRegistration
{
    IController Create(IServiceProvider services, OperatorOptions options, EventRecorderFactory events);
}

sealed class ControllerRegistration<T, TReconciler>(ControllerOptions controller) : IControllerRegistration
    where T : KubeObject, IKubeResource
    where TReconciler : class, IReconciler<T>
{
    public IController Create(IServiceProvider services, OperatorOptions options, EventRecorderFactory events)
    {
        var logs = services.GetRequiredService<ILoggerFactory>();
        var log = logs.CreateLogger($"Cmp.Kubernetes.Operator.{T.Resource.Kind}Controller");
        var clock = services.GetRequiredService<TimeProvider>();
        var ns = string.IsNullOrEmpty(controller.Namespace) ? (string.IsNullOrEmpty(options.Namespace) ? null : options.Namespace) : controller.Namespace;
        IResourceSource<T> source;
        IReadOnlyList<IOwnedWatch> owned = [];
        IKubeClient? client = null;
        if (options.Source == OperatorSource.File)
        {
            source = new FileResourceSource<T>(options.File.Paths, ns ?? options.File.Namespace, options.File.PollInterval, clock, log);
        }
        else
        {
            client = services.GetRequiredService<IKubeClient>();
            source = new KubeResourceSource<T>(client, ns, options.LabelSelector, options.WatchTimeout, log);
            owned = controller.Owned.Select(f => f(client, ns, options.WatchTimeout, log)).ToList();
        }
        return new Controller<T, TReconciler>(services, source, owned, options, controller.Workers ?? options.Workers, events(client), log, clock);
    }
}

/// <summary>Makes the event recorder for a controller (null client = log only).</summary>
public delegate EventRecorder EventRecorderFactory(IKubeClient? client);
