using Cmp.Deploy.Tests.Tooling;
using Cmp.Testing;

namespace Cmp.Deploy.Tests.Charts;

/// <summary>
/// Every chart, with every values file shipped and the feature toggles that matter, passes <c>helm lint --strict</c>,
/// renders, and every rendered object validates against the Kubernetes 1.34 schemas (strict: unknown fields fail),
/// the CRDs it uses (CNPG's, ours) and Argo CD's.
/// </summary>
public sealed class ChartValidationTests
{
    public sealed record Case(string Name, string Chart, string Release, string Namespace, string[] Args, string[] Crds)
    {
        public override string ToString() => Name;
    }

    static string C(string chart) => Render.Chart(chart);
    static string CnpgCrds => Path.Combine(Tools.ReferenceK8s, "cnpg-crds");
    static string OurCrds => Path.Combine(RepoPaths.Root, "charts", "cmp", "files", "crds");

    public static TheoryData<Case> Cases()
    {
        var data = new TheoryData<Case>();
        foreach (var s in ServiceInfo.All)
        {
            var minimal = Render.MinimalServiceValues(s);
            data.Add(new Case($"{s.Folder}: defaults + required settings", s.Folder, "cmp", "cmp", minimal, []));
            data.Add(new Case($"{s.Folder}: every option on", s.Folder, "cmp", "cmp",
            [
                .. minimal,
                "--set", "ingress.enabled=true", "--set", "ingress.className=nginx", "--set", "ingress.hosts[0].host=x.example.com",
                "--set", "ingress.tls[0].secretName=x-tls", "--set", "ingress.tls[0].hosts[0]=x.example.com",
                "--set", "autoscaling.enabled=true", "--set", "autoscaling.targetMemoryUtilizationPercentage=80",
                "--set", "podDisruptionBudget.minAvailable=1", "--set", "image.digest=sha256:" + new string('a', 64),
                "--set", "global.image.registry=ghcr.io/acme", "--set", "imagePullSecrets[0].name=pull",
                "--set", "env[0].name=EXTRA", "--set-string", "env[0].value=1", "--set", "config.Cmp.MaxRequestBodyBytes=2097152",
                "--set", "serviceAccount.annotations.team=platform", "--set", "networkPolicy.peers.extra.cidrs[0]=10.1.0.0/16",
            ], []));
            data.Add(new Case($"{s.Folder}: network policy off, secrets from values", s.Folder, "other", "other",
                [.. minimal, "--set", "networkPolicy.enabled=false", "--set", "secrets.ServiceAuth__ClientSecret.existingSecret=",
                 "--set", "secrets.ServiceAuth__ClientSecret.value=dev-secret"], []));
        }
        var cp = Render.MinimalServiceValues(ServiceInfo.Get("control-plane"));
        data.Add(new Case("control-plane: migrations as a hook Job", "control-plane", "cmp", "cmp", [.. cp, "--set", "migrations.mode=job"], []));
        data.Add(new Case("provisioner: migrations as a hook Job", "provisioner", "cmp", "cmp",
            [.. Render.MinimalServiceValues(ServiceInfo.Get("provisioner")), "--set", "migrations.mode=job"], []));
        data.Add(new Case("control-plane: migrations at startup", "control-plane", "cmp", "cmp", [.. cp, "--set", "migrations.mode=startup"], []));
        data.Add(new Case("control-plane: operator confined to two namespaces", "control-plane", "cmp", "cmp",
            [.. cp, "--set", "rbac.watchNamespaces={team-a,team-b}"], []));
        data.Add(new Case("control-plane: connection string from an existing Secret", "control-plane", "cmp", "cmp",
            ["--set", "global.config.Auth.Authority=https://a/realms/cmp", "--set", "secrets.ServiceAuth__ClientSecret.existingSecret=k",
             "--set", "database.existingSecret=pg"], []));
        data.Add(new Case("cmp: KinD values", "cmp", "cmp", "cmp", ["-f", Path.Combine(C("cmp"), "values-kind.yaml")], []));
        data.Add(new Case("cmp: production values", "cmp", "cmp", "cmp", ["-f", Path.Combine(C("cmp"), "values-production.yaml")], []));
        data.Add(new Case("cmp: realm only (the keycloak-realm application)", "cmp", "cmp-realm", "keycloak",
            ["--set", "crds.install=false", "--set", "keycloakRealm.enabled=true", "--set", "keycloakRealm.namespace=keycloak",
             "--set", "gateway.enabled=false", "--set", "runner.enabled=false", "--set", "provisioner.enabled=false", "--set", "control-plane.enabled=false"], []));
        data.Add(new Case("saleor: as argocd/apps deploys it", "saleor", "saleor", "saleor",
            ["--set", "secretKey.existingSecret=saleor-secret-key", "--set", "superuser.enabled=true", "--set", "superuser.existingSecret=saleor-admin",
             "--set", "ingress.enabled=true", "--set", "ingress.className=nginx"], []));
        data.Add(new Case("saleor: minimal, secret key from values, external Redis", "saleor", "shop", "shop",
            ["--set", "secretKey.value=dev", "--set", "valkey.enabled=false", "--set", "externalRedisUrl=redis://redis:6379",
             "--set", "dashboard.enabled=false", "--set", "worker.enabled=false"], []));
        data.Add(new Case("postgres: defaults (CloudNativePG clusters)", "postgres", "postgres", "cmp", [], [CnpgCrds]));
        data.Add(new Case("postgres: existing namespaces, storage class", "postgres", "postgres", "cmp",
            ["--set", "createNamespaces=false", "--set", "storageClass=fast"], [CnpgCrds]));
        data.Add(new Case("argocd/apps: the app of apps (Argo CD CRDs)", Path.Combine(RepoPaths.Root, "argocd", "apps"), "cmp-root", "argocd", [], [OurCrds]));
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Lints_renders_and_validates(Case c)
    {
        var chart = Path.IsPathRooted(c.Chart) ? c.Chart : C(c.Chart);
        if (c.Chart == "cmp") Tools.EnsureUmbrellaDependencies();

        var lint = Tools.HelmRun(["lint", chart, "--strict", "--kube-version", "1.34.0", .. c.Args]);
        lint.ExitCode.Should().Be(0, lint.Output);
        var yaml = Render.Template(c.Release, chart, c.Namespace, c.Args);
        var docs = Manifests.Parse(yaml).All.Count;
        var result = Tools.Validate(yaml, crds: c.Crds);

        docs.Should().BeGreaterThan(0);
        result.Failed.Should().Be(0, result.Output);
        result.Passed.Should().Be(docs, "every rendered object was checked");
    }

    [Fact]
    public void The_validator_really_rejects_a_broken_object()
    {
        var yaml = Render.Template("cmp", C("gateway"), "cmp", Render.MinimalServiceValues(ServiceInfo.Get("gateway")))
            .Replace("readOnlyRootFilesystem: true", "readOnlyRootFilesystem: true\n            readOnlyRootFileSystem: true", StringComparison.Ordinal);

        var result = Tools.Validate(yaml);

        result.Failed.Should().BeGreaterThan(0);
        result.Output.Should().Contain("readOnlyRootFileSystem");
    }
}
