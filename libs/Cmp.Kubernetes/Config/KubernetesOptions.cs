using Cmp.Kubernetes.Client;

namespace Cmp.Kubernetes.Config;

public enum KubeConfigMode
{
    /// <summary>In-cluster when <c>KUBERNETES_SERVICE_HOST</c> is set, otherwise the kubeconfig.</summary>
    Auto,
    InCluster,
    Kubeconfig,
}

/// <summary>How to reach the API server. Bound from <c>Kubernetes</c>.</summary>
public sealed class KubernetesOptions
{
    public KubeConfigMode Mode { get; set; } = KubeConfigMode.Auto;

    /// <summary>kubeconfig file(s); default <c>$KUBECONFIG</c> (colon-separated), else <c>~/.kube/config</c>.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>kubeconfig context; default its <c>current-context</c>.</summary>
    public string? Context { get; set; }

    /// <summary>Overrides the default namespace (the context's, or the pod's own in a cluster).</summary>
    public string? Namespace { get; set; }

    /// <summary>Where the in-cluster service-account files are (token, ca.crt, namespace).</summary>
    public string ServiceAccountPath { get; set; } = InClusterConfig.DefaultServiceAccountPath;

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public int MaxRetries { get; set; } = 3;

    /// <summary>User-Agent of this client (default cmp-kubernetes/&lt;version&gt;); set it to the service name for audit logs.</summary>
    public string? UserAgent { get; set; }

    public KubeClientSettings ToSettings()
    {
        var s = new KubeClientSettings { RequestTimeout = RequestTimeout, MaxRetries = MaxRetries };
        if (!string.IsNullOrEmpty(UserAgent)) s.UserAgent = UserAgent;
        return s;
    }
}
