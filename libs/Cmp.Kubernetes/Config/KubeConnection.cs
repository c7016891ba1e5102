using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Cmp.Primitives;

namespace Cmp.Kubernetes.Config;

/// <summary>
/// A resolved way to talk to one API server: its URL, whom to trust, and how to authenticate. Built from a
/// kubeconfig context (<see cref="KubeconfigLoader"/>) or from the pod's service account (<see cref="InClusterConfig"/>).
/// </summary>
public sealed class KubeConnection
{
    public required Uri Server { get; init; }
    public required string Namespace { get; init; }

    /// <summary>Roots to trust for the server certificate instead of the system store (the cluster CA).</summary>
    public X509Certificate2Collection? CaCertificates { get; init; }

    public bool InsecureSkipTlsVerify { get; init; }

    /// <summary>SNI / name to verify, when the server URL is an IP address.</summary>
    public string? TlsServerName { get; init; }

    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>Bearer token source (static, file that rotates, or exec plugin); null when certificates or basic auth are used.</summary>
    public ITokenSource? Token { get; init; }

    /// <summary>Basic auth (<c>username</c>/<c>password</c> in kubeconfig); rare, but valid.</summary>
    public (string User, string Password)? Basic { get; init; }

    /// <summary>Where the settings came from, for log lines and error messages.</summary>
    public string Source { get; init; } = "";

    /// <summary>Resolves the connection the options describe: in-cluster, or a kubeconfig context.</summary>
    public static Result<KubeConnection> Resolve(KubernetesOptions options, TimeProvider? clock = null)
    {
        var inCluster = options.Mode == KubeConfigMode.InCluster
            || options.Mode == KubeConfigMode.Auto && InClusterConfig.IsAvailable(options.ServiceAccountPath);
        var resolved = inCluster
            ? InClusterConfig.Load(options.ServiceAccountPath, clock)
            : KubeconfigLoader.Load(KubeconfigLoader.DefaultPaths(options.Kubeconfig), options.Context, clock);
        if (!resolved.IsSuccess || string.IsNullOrEmpty(options.Namespace)) return resolved;
        var c = resolved.Value;
        return new KubeConnection
        {
            Server = c.Server, Namespace = options.Namespace, CaCertificates = c.CaCertificates, InsecureSkipTlsVerify = c.InsecureSkipTlsVerify,
            TlsServerName = c.TlsServerName, ClientCertificate = c.ClientCertificate, Token = c.Token, Basic = c.Basic, Source = c.Source,
        };
    }

    /// <summary>The innermost handler: TLS trust and client certificate. Authentication headers are added by <see cref="KubeAuthHandler"/>.</summary>
    public HttpMessageHandler CreatePrimaryHandler()
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),   // follow API server endpoint changes
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(15),
        };
        if (Server.Scheme != Uri.UriSchemeHttps) return handler;
        var ssl = handler.SslOptions;
        if (TlsServerName is not null) ssl.TargetHost = TlsServerName;
        if (ClientCertificate is not null) ssl.ClientCertificates = [ClientCertificate];
        if (InsecureSkipTlsVerify)
#pragma warning disable CA5359   // the kubeconfig asked for it (insecure-skip-tls-verify: true); kubectl does the same
            ssl.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        else if (CaCertificates is { Count: > 0 } roots)
            ssl.RemoteCertificateValidationCallback = (_, cert, presentedChain, errors) => ValidateAgainst(roots, cert, presentedChain, errors);
        return handler;
    }

    /// <summary>Trust exactly the cluster CA: build the chain with custom roots, and still require the name to match.</summary>
    static bool ValidateAgainst(X509Certificate2Collection roots, X509Certificate? presented, X509Chain? presentedChain, SslPolicyErrors errors)
    {
        if (presented is null) return false;
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        if (presentedChain is not null)
            foreach (var element in presentedChain.ChainElements)
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);   // intermediates the server sent
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(presented);
        return chain.Build(leaf);
    }
}
