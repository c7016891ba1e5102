using Cmp.Deploy.Tests.Tooling;

namespace Cmp.Deploy.Tests.Charts;

/// <summary>
/// The rendered NetworkPolicies of the KinD deployment allow the flows of ARCHITECTURE.md — and nothing else the CMP
/// pods could be asked to do. Each case is (from, to, port, allowed).
/// </summary>
public sealed class NetworkPolicyTests
{
    static readonly Lazy<NetworkPolicies> Policies = new(() => new NetworkPolicies(Render.Kind().OfKind("NetworkPolicy")));

    static Peer Cmp(string service) => Peer.Pod(service, "cmp", ("app.kubernetes.io/name", service), ("app.kubernetes.io/instance", "cmp"));

    static readonly Dictionary<string, Peer> Pods = new()
    {
        ["gateway"] = Cmp("gateway"),
        ["runner"] = Cmp("runner"),
        ["provisioner"] = Cmp("provisioner"),
        ["control-plane"] = Cmp("control-plane"),
        ["postgres"] = Peer.Pod("postgres", "cmp", ("cnpg.io/cluster", "cmp-db"), ("cnpg.io/instanceRole", "primary")),
        ["provisioner-db"] = Peer.Pod("provisioner-db", "cmp", ("cnpg.io/cluster", "provisioner-db"), ("cnpg.io/instanceRole", "primary")),
        ["gateway-db"] = Peer.Pod("gateway-db", "cmp", ("cnpg.io/cluster", "gateway-db"), ("cnpg.io/instanceRole", "primary")),
        ["keycloak"] = Peer.Pod("keycloak", "keycloak", ("app.kubernetes.io/name", "keycloakx"), ("app.kubernetes.io/instance", "keycloak")),
        ["saleor-api"] = Peer.Pod("saleor-api", "saleor", ("app.kubernetes.io/name", "saleor"), ("app.kubernetes.io/component", "api")),
        ["saleor-worker"] = Peer.Pod("saleor-worker", "saleor", ("app.kubernetes.io/name", "saleor"), ("app.kubernetes.io/component", "worker")),
        ["langflow"] = Peer.Pod("langflow", "langflow", ("app.kubernetes.io/name", "langflow-runtime")),
        ["ingress"] = Peer.Pod("ingress", "ingress-nginx", ("app.kubernetes.io/name", "ingress-nginx")),
        ["dns"] = Peer.Pod("dns", "kube-system", ("k8s-app", "kube-dns")),
        ["stranger"] = Peer.Pod("stranger", "default", ("app", "curl")),
        ["apiserver"] = Peer.External("apiserver", "172.18.0.2"),
        ["stripe"] = Peer.External("stripe", "54.187.174.169"),
        ["metadata-service"] = Peer.External("metadata-service", "169.254.169.254"),
        ["private-host"] = Peer.External("private-host", "10.20.30.40"),
    };

    public static TheoryData<string, string, int, bool> Flows() => new()
    {
        // Flow 1 (purchase -> provision): Saleor delivers webhooks, the provisioner calls the control plane and Saleor.
        { "saleor-worker", "provisioner", 8080, true },
        { "saleor-api", "provisioner", 8080, true },
        { "ingress", "provisioner", 8080, true },
        { "provisioner", "control-plane", 8080, true },
        { "provisioner", "saleor-api", 8000, true },
        { "provisioner", "provisioner-db", 5432, true },
        // Flow 2 (execution): public edge -> gateway -> control plane (credits) and runner -> Langflow.
        { "ingress", "gateway", 8080, true },
        { "gateway", "control-plane", 8080, true },
        { "gateway", "runner", 8080, true },
        { "gateway", "gateway-db", 5432, true },
        { "runner", "langflow", 7860, true },
        // Flow 3 (agent commerce): gateway -> Saleor GraphQL, Stripe over the internet.
        { "gateway", "saleor-api", 8000, true },
        { "gateway", "stripe", 443, true },
        // Flow 4 (offerings as code): the operator watches the API server, writes PostgreSQL and Saleor, imports flows via the runner.
        { "control-plane", "apiserver", 6443, true },
        { "control-plane", "postgres", 5432, true },
        { "control-plane", "saleor-api", 8000, true },
        { "control-plane", "runner", 8080, true },
        { "ingress", "control-plane", 8080, true },
        // Everyone validates tokens with Keycloak and resolves names.
        { "gateway", "keycloak", 8080, true },
        { "runner", "keycloak", 8080, true },
        { "provisioner", "keycloak", 8080, true },
        { "control-plane", "keycloak", 8080, true },
        { "runner", "dns", 53, true },
        // Not flows: each of these is refused.
        { "runner", "control-plane", 8080, false },
        { "runner", "saleor-api", 8000, false },
        { "runner", "postgres", 5432, false },
        { "runner", "apiserver", 6443, false },
        { "runner", "stripe", 443, false },
        { "gateway", "postgres", 5432, false },
        { "gateway", "langflow", 7860, false },
        { "gateway", "apiserver", 6443, false },
        { "gateway", "metadata-service", 80, false },
        { "gateway", "private-host", 443, false },
        { "provisioner", "runner", 8080, false },
        { "provisioner", "postgres", 5432, false },
        { "control-plane", "provisioner-db", 5432, false },
        { "gateway", "provisioner-db", 5432, false },
        { "provisioner", "gateway-db", 5432, false },
        { "control-plane", "gateway-db", 5432, false },
        { "provisioner", "langflow", 7860, false },
        { "control-plane", "langflow", 7860, false },
        { "control-plane", "stripe", 443, false },
        { "ingress", "runner", 8080, false },
        { "saleor-worker", "control-plane", 8080, false },
        { "saleor-api", "gateway", 8080, false },
        { "langflow", "runner", 8080, false },
        { "stranger", "gateway", 8080, false },
        { "stranger", "control-plane", 8080, false },
        { "gateway", "control-plane", 5432, false },
    };

    [Theory]
    [MemberData(nameof(Flows))]
    public void Only_the_architecture_flows_are_allowed(string from, string to, int port, bool allowed)
    {
        var protocol = to == "dns" ? "UDP" : "TCP";

        Policies.Value.Allows(Pods[from], Pods[to], port, protocol).Should().Be(allowed, $"{from} -> {to}:{port}");
    }

    [Fact]
    public void Every_cmp_pod_is_selected_by_a_policy_of_both_types()
    {
        var policies = Render.Kind().OfKind("NetworkPolicy").ToList();

        policies.Should().HaveCount(4);
        policies.Should().OnlyContain(p => p["spec"]!["policyTypes"]!.AsArray().Count == 2);
    }
}
