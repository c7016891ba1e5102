namespace Cmp.Kubernetes.Operator;

public enum OperatorSource
{
    /// <summary>Custom resources from the Kubernetes API (in-cluster or kubeconfig, see the <c>Kubernetes</c> section).</summary>
    Kubernetes,

    /// <summary>Custom resources from YAML files (<see cref="FileSourceOptions"/>); no cluster, no leader election.</summary>
    File,
}

/// <summary>The operator host. Bound from <c>Operator</c>.</summary>
public sealed class OperatorOptions
{
    public bool Enabled { get; set; } = true;

    public OperatorSource Source { get; set; } = OperatorSource.Kubernetes;

    public FileSourceOptions File { get; set; } = new();

    /// <summary>Watch one namespace; empty = all namespaces (needs a ClusterRole).</summary>
    public string? Namespace { get; set; }

    /// <summary>Only objects with these labels (e.g. to shard several installations in one cluster).</summary>
    public string? LabelSelector { get; set; }

    /// <summary>Every object is reconciled again this often even without a change (drift from external systems).</summary>
    public TimeSpan ResyncPeriod { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Server-side timeout of each watch request (jittered up to 2x); the informer resumes afterwards.</summary>
    public TimeSpan WatchTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Default concurrent reconciles per controller (one key is never reconciled twice at once).</summary>
    public int Workers { get; set; } = 2;

    /// <summary>First retry delay of a failing key; doubles per failure up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>On shutdown, in-flight reconciles get this long to finish before they are cancelled.</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Names this operator in events (<c>reportingController</c>) and server-side apply (<c>fieldManager</c>).</summary>
    public string ControllerName { get; set; } = "cmp-operator";

    public LeaderElectionOptions LeaderElection { get; set; } = new();

    internal IEnumerable<string> Problems()
    {
        var le = LeaderElection;
        if (le.Enabled && le.RenewDeadline >= le.LeaseDuration) yield return "Operator:LeaderElection:RenewDeadline must be shorter than LeaseDuration.";
        if (le.Enabled && le.RetryPeriod >= le.RenewDeadline) yield return "Operator:LeaderElection:RetryPeriod must be shorter than RenewDeadline.";
        if (Source == OperatorSource.File && File.Paths.Count == 0) yield return "Operator:File:Paths must name at least one YAML file when Operator:Source is File.";
        if (Workers < 1) yield return "Operator:Workers must be at least 1.";
        if (ResyncPeriod <= TimeSpan.Zero) yield return "Operator:ResyncPeriod must be positive.";
    }
}

public sealed class FileSourceOptions
{
    /// <summary>YAML files holding the custom resources (multi-document, the CRD's schema).</summary>
    public List<string> Paths { get; set; } = [];

    /// <summary>Namespace given to documents that name none.</summary>
    public string Namespace { get; set; } = "default";

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>client-go's leader election settings and defaults (15 s / 10 s / 2 s).</summary>
public sealed class LeaderElectionOptions
{
    public bool Enabled { get; set; } = true;

    public string LeaseName { get; set; } = "cmp-operator";

    /// <summary>Where the Lease lives; empty = the pod's own namespace (the client's default namespace).</summary>
    public string? LeaseNamespace { get; set; }

    /// <summary>This replica's name in the Lease; empty = <c>POD_NAME</c> or the host name, plus a random suffix.</summary>
    public string? Identity { get; set; }

    /// <summary>How long a non-leader waits, after it last saw the Lease change, before taking it over.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the leader keeps trying to renew before it gives up leading.</summary>
    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time between attempts to acquire or renew.</summary>
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Give the Lease up on graceful shutdown so the next leader starts at once instead of after LeaseDuration.</summary>
    public bool ReleaseOnCancel { get; set; } = true;
}
