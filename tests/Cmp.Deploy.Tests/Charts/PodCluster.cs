using System.Globalization;
using Cmp.Simulators.KubeApi;
using Cmp.Testing;
using Cmp.Deploy.Tests.Tooling;

namespace Cmp.Deploy.Tests.Charts;

/// <summary>
/// What the kubelet gives a pod whose Deployment mounts a service-account token: KUBERNETES_SERVICE_HOST/PORT and
/// /var/run/secrets/kubernetes.io/serviceaccount (token, ca.crt, namespace), here pointing at the fake API server over
/// TLS. Only for Deployments that mount the token (the control plane, whose operator needs the API).
/// </summary>
public sealed class PodCluster : IAsyncDisposable
{
    const string Token = "pod-service-account-token";
    readonly KubeApiServer _api;
    readonly string _serviceAccount;

    PodCluster(KubeApiServer api, string serviceAccount)
    {
        _api = api;
        _serviceAccount = serviceAccount;
    }

    /// <summary>A cluster for the pod of <paramref name="deployment"/>, with its variables added to <paramref name="env"/>;
    /// null when the pod does not mount a token (it must then not need the API).</summary>
    public static async Task<PodCluster?> ForAsync(Manifests m, string deployment, Dictionary<string, string> env)
    {
        var pod = m.Single("Deployment", deployment)["spec"]!["template"]!["spec"]!;
        if (pod["automountServiceAccountToken"]?.GetValue<bool>() != true) return null;
        var api = await KubeApiServer.StartAsync(new KubeApiServerOptions
        {
            Crds = [Path.Combine(RepoPaths.Root, "charts", "cmp", "files", "crds")],
            Tls = true,
            Token = Token,
        });
        var sa = Directory.CreateTempSubdirectory("cmp-sa-").FullName;
        await File.WriteAllTextAsync(Path.Combine(sa, "token"), Token);
        await File.WriteAllTextAsync(Path.Combine(sa, "ca.crt"), api.Certificates!.CaPem);
        await File.WriteAllTextAsync(Path.Combine(sa, "namespace"), "cmp\n");
        env["KUBERNETES_SERVICE_HOST"] = "127.0.0.1";
        env["KUBERNETES_SERVICE_PORT"] = api.Url.Port.ToString(CultureInfo.InvariantCulture);
        // The one difference from a pod: the token is not at the well-known path.
        env["Kubernetes__ServiceAccountPath"] = sa;
        return new PodCluster(api, sa);
    }

    /// <summary>The operator came up in-cluster: it authenticated with the token and created its leader-election
    /// Lease in the pod's namespace.</summary>
    public Task UntilLeaseHeldAsync(string folder) =>
        Poller.UntilAsync(() => Task.FromResult(_api.Requests.All.Any(r =>
                r is { Method: "POST", Status: 201 } && r.PathAndQuery.StartsWith("/apis/coordination.k8s.io/v1/namespaces/cmp/leases", StringComparison.Ordinal))),
            $"{folder}'s operator to take its Lease in the fake cluster", TimeSpan.FromSeconds(30));

    public async ValueTask DisposeAsync()
    {
        await _api.DisposeAsync();
        Directory.Delete(_serviceAccount, recursive: true);
    }
}
