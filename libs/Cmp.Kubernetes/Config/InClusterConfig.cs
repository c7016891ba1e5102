using System.Security.Cryptography.X509Certificates;
using Cmp.Primitives;

namespace Cmp.Kubernetes.Config;

/// <summary>
/// The pod's own credentials, as client-go's <c>rest.InClusterConfig</c> reads them: the API server from
/// <c>KUBERNETES_SERVICE_HOST</c>/<c>_PORT</c>, the service-account token (re-read as the kubelet rotates it), the
/// cluster CA and the pod's namespace from the mounted service-account folder.
/// </summary>
public static class InClusterConfig
{
    public const string DefaultServiceAccountPath = "/var/run/secrets/kubernetes.io/serviceaccount";

    public static bool IsAvailable(string serviceAccountPath = DefaultServiceAccountPath) =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST"))
        && File.Exists(Path.Combine(serviceAccountPath, "token"));

    public static Result<KubeConnection> Load(string serviceAccountPath = DefaultServiceAccountPath, TimeProvider? clock = null)
    {
        var host = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST");
        var port = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_PORT");
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(port))
            return Error.Permanent("kube_not_in_cluster", "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set: not running in a pod.");
        var tokenPath = Path.Combine(serviceAccountPath, "token");
        if (!File.Exists(tokenPath))
            return Error.Permanent("kube_no_service_account", $"No service-account token at {tokenPath} (is automountServiceAccountToken false?).");
        var caPath = Path.Combine(serviceAccountPath, "ca.crt");
        X509Certificate2Collection? ca = null;
        if (File.Exists(caPath))
        {
            ca = [];
            ca.ImportFromPemFile(caPath);
        }
        var nsPath = Path.Combine(serviceAccountPath, "namespace");
        var ns = File.Exists(nsPath) ? File.ReadAllText(nsPath).Trim() : "default";
        // An IPv6 host needs brackets in a URL.
        var hostPart = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
        return new KubeConnection
        {
            Server = new Uri($"https://{hostPart}:{port}"),
            Namespace = ns,
            CaCertificates = ca,
            Token = new FileTokenSource(tokenPath, clock ?? TimeProvider.System),
            Source = $"in-cluster service account ({serviceAccountPath})",
        };
    }
}
