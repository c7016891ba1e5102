using System.Text.Json.Nodes;
using Cmp.Deploy.Tests.Tooling;
using Cmp.Testing;
using static Cmp.Deploy.Tests.Tooling.Manifests;

namespace Cmp.Deploy.Tests.Charts;

/// <summary>What the rendered KinD deployment must look like beyond schema validity: hardened pods, probes on the
/// health endpoints, least-privilege RBAC, CRDs that survive an uninstall, settings that point at real Services.</summary>
public sealed class ChartConventionsTests
{
    static readonly Lazy<Manifests> KindRender = new(Render.Kind);
    static Manifests Kind => KindRender.Value;

    static JsonObject Container(JsonObject deployment) => deployment["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject();

    [Fact]
    public void The_shared_template_library_is_identical_in_every_service_chart()
    {
        var copies = ServiceInfo.All.Select(s => (s.Folder, Text: File.ReadAllText(Path.Combine(s.ChartDir, "templates", "_cmp.tpl")))).ToList();

        foreach (var (folder, text) in copies.Skip(1))
            text.Should().Be(copies[0].Text, $"charts/{folder}/templates/_cmp.tpl must equal charts/{copies[0].Folder}/templates/_cmp.tpl: edit one, copy it to the others");
    }

    [Fact]
    public void Every_service_pod_is_non_root_read_only_without_capabilities_and_bounded()
    {
        var deployments = Kind.OfKind("Deployment").ToList();
        deployments.Should().HaveCount(4);
        foreach (var d in deployments)
        {
            var pod = d["spec"]!["template"]!["spec"]!;
            pod["securityContext"]!["runAsNonRoot"]!.GetValue<bool>().Should().BeTrue(Id(d));
            pod["securityContext"]!["seccompProfile"]!["type"]!.GetValue<string>().Should().Be("RuntimeDefault");
            foreach (var c in pod["containers"]!.AsArray().Concat(pod["initContainers"]?.AsArray() ?? []))
            {
                var sc = c!["securityContext"]!;
                sc["readOnlyRootFilesystem"]!.GetValue<bool>().Should().BeTrue(Id(d));
                sc["allowPrivilegeEscalation"]!.GetValue<bool>().Should().BeFalse(Id(d));
                sc["capabilities"]!["drop"]!.AsArray().Select(x => x!.GetValue<string>()).Should().Equal("ALL");
                c["resources"]!["requests"]!["memory"].Should().NotBeNull();
                c["resources"]!["limits"]!["memory"].Should().NotBeNull();
                Str(c["image"]).Should().NotEndWith(":latest");
            }
        }
    }

    [Fact]
    public void Probes_use_the_health_endpoints_on_the_http_port()
    {
        foreach (var d in Kind.OfKind("Deployment"))
        {
            var c = Container(d);
            Str(c["livenessProbe"]!["httpGet"]!["path"]).Should().Be("/healthz", Id(d));
            Str(c["startupProbe"]!["httpGet"]!["path"]).Should().Be("/healthz", Id(d));
            Str(c["readinessProbe"]!["httpGet"]!["path"]).Should().Be("/readyz", Id(d));
            foreach (var p in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
                Str(c[p]!["httpGet"]!["port"]).Should().Be("http");
            c["ports"]!.AsArray().Should().ContainSingle(p => Str(p!["name"]) == "http");
        }
    }

    [Fact]
    public void Only_the_control_plane_gets_a_service_account_token()
    {
        foreach (var d in Kind.OfKind("Deployment"))
        {
            var mounted = d["spec"]!["template"]!["spec"]!["automountServiceAccountToken"]!.GetValue<bool>();
            mounted.Should().Be(Str(d["metadata"]!["name"]) == "cmp-control-plane", Id(d));
        }
    }

    [Fact]
    public void Every_service_and_pod_disruption_budget_selects_its_deployments_pods()
    {
        foreach (var d in Kind.OfKind("Deployment"))
        {
            var labels = d["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
            var name = Str(d["metadata"]!["name"]);
            bool Selects(JsonNode? selector) => selector!.AsObject().All(kv => labels[kv.Key]?.GetValue<string>() == kv.Value!.GetValue<string>());
            Selects(Kind.Single("Service", name)["spec"]!["selector"]).Should().BeTrue(name);
            Selects(Kind.Single("PodDisruptionBudget", name)["spec"]!["selector"]!["matchLabels"]).Should().BeTrue(name);
            Str(Kind.Single("Service", name)["spec"]!["ports"]![0]!["targetPort"]).Should().Be("http");
        }
    }

    [Fact]
    public void Base_addresses_of_cmp_services_point_at_rendered_services_and_ports()
    {
        var services = Kind.OfKind("Service").ToDictionary(s => Str(s["metadata"]!["name"]), s => s["spec"]!["ports"]![0]!["port"]!.GetValue<long>());
        var found = 0;
        foreach (var cm in Kind.OfKind("ConfigMap"))
            foreach (var (key, value) in cm["data"]!.AsObject())
            {
                if (!key.StartsWith("Http__", StringComparison.Ordinal) || !key.EndsWith("__BaseAddress", StringComparison.Ordinal)) continue;
                var uri = new Uri(value!.GetValue<string>());
                if (!uri.Host.StartsWith("cmp-", StringComparison.Ordinal)) continue;
                services.Should().ContainKey(uri.Host, $"{Id(cm)} {key}");
                services[uri.Host].Should().Be(uri.Port, $"{Id(cm)} {key}");
                found++;
            }
        found.Should().BeGreaterThanOrEqualTo(4, "gateway, provisioner and control plane call each other");
    }

    [Fact]
    public void A_configuration_change_rolls_the_pods()
    {
        var before = Render.Kind().Single("Deployment", "cmp-gateway");
        var after = Manifests.Parse(Render.Template("cmp", Render.Chart("cmp"), "cmp", "-f", Path.Combine(Render.Chart("cmp"), "values-kind.yaml"),
            "--set", "gateway.config.Cmp.MaxRequestBodyBytes=2097152")).Single("Deployment", "cmp-gateway");

        var key = "checksum/config";
        Str(after["spec"]!["template"]!["metadata"]!["annotations"]![key]).Should().NotBe(Str(before["spec"]!["template"]!["metadata"]!["annotations"]![key]));
        Kind.Single("ConfigMap", "cmp-gateway")["data"]!["Cmp__MaxRequestBodyBytes"].Should().BeNull();
    }

    [Fact]
    public void Settings_are_flattened_like_the_dotnet_environment_provider_reads_them()
    {
        var cm = Manifests.Parse(Render.Template("cmp", Render.Chart("gateway"), "cmp", [.. Render.MinimalServiceValues(ServiceInfo.Get("gateway")),
            "--set", "config.Cmp.MaxRequestBodyBytes=1048576", "--set", "config.Auth.RoleClients[0]=cmp-api", "--set", "config.Auth.RoleClients[1]=other",
            "--set", "config.Feature.Enabled=true"])).Single("ConfigMap", "cmp-gateway")["data"]!;

        Str(cm["Cmp__MaxRequestBodyBytes"]).Should().Be("1048576", "whole numbers stay whole (no 1.048576e+06)");
        Str(cm["Auth__RoleClients__0"]).Should().Be("cmp-api");
        Str(cm["Auth__RoleClients__1"]).Should().Be("other");
        Str(cm["Feature__Enabled"]).Should().Be("true");
        Str(cm["Auth__Authority"]).Should().Be("https://auth.example.com/realms/cmp", "global.config reaches every service");
        Str(cm["Http__control-plane__BaseAddress"]).Should().Be("http://cmp-control-plane:8080", "templates in values are rendered");
    }

    [Fact]
    public void The_umbrella_carries_our_crds_unchanged_and_keeps_them_on_uninstall()
    {
        var crds = Kind.OfKind("CustomResourceDefinition").ToList();
        var files = Directory.GetFiles(Path.Combine(RepoPaths.Root, "charts", "cmp", "files", "crds"), "*.yaml")
            .Select(f => Manifests.Parse(File.ReadAllText(f)).All.Single()).ToList();

        crds.Select(c => Str(c["metadata"]!["name"])).Should().BeEquivalentTo(files.Select(f => Str(f["metadata"]!["name"])));
        foreach (var crd in crds)
        {
            var file = files.Single(f => Str(f["metadata"]!["name"]) == Str(crd["metadata"]!["name"]));
            JsonNode.DeepEquals(crd["spec"], file["spec"]).Should().BeTrue("the chart renders files/crds verbatim");
            var annotations = crd["metadata"]!["annotations"]!;
            Str(annotations["helm.sh/resource-policy"]).Should().Be("keep");
            Str(annotations["argocd.argoproj.io/sync-options"]).Should().Contain("Prune=false");
            Str(annotations["argocd.argoproj.io/sync-wave"]).Should().Be("-10");
        }
        Manifests.Parse(Render.Template("cmp", Render.Chart("cmp"), "cmp", "-f", Path.Combine(Render.Chart("cmp"), "values-kind.yaml"), "--set", "crds.install=false"))
            .OfKind("CustomResourceDefinition").Should().BeEmpty();
    }

    [Fact]
    public void The_operator_rbac_grants_exactly_what_the_operator_uses()
    {
        var role = Kind.OfKind("ClusterRole").Single();
        var rules = role["rules"]!.AsArray().SelectMany(r => r!["apiGroups"]!.AsArray().SelectMany(g =>
            r["resources"]!.AsArray().Select(res => (Group: g!.GetValue<string>(), Resource: res!.GetValue<string>(),
                Verbs: r["verbs"]!.AsArray().Select(v => v!.GetValue<string>()).ToHashSet())))).ToList();

        rules.Select(r => $"{r.Group}/{r.Resource}").Should().BeEquivalentTo(
            "cmp.dev/agentofferings", "cmp.dev/agentinstances", "cmp.dev/agentofferings/status", "cmp.dev/agentinstances/status",
            "cmp.dev/agentofferings/finalizers", "cmp.dev/agentinstances/finalizers", "events.k8s.io/events", "/events");
        rules.Should().OnlyContain(r => !r.Verbs.Contains("*") && r.Group != "*" && r.Resource != "*");
        rules.Where(r => r.Resource.EndsWith("/status", StringComparison.Ordinal)).Should().OnlyContain(r => !r.Verbs.Contains("delete"));
        rules.Where(r => r.Resource == "events").Should().OnlyContain(r => r.Verbs.SetEquals(new[] { "create", "patch" }));

        var leaseRole = Kind.Single("Role", "cmp-control-plane-leader-election");
        var leaseName = Str(Kind.Single("ConfigMap", "cmp-control-plane")["data"]!["Operator__LeaderElection__LeaseName"]);
        leaseName.Should().Be("cmp-control-plane-operator");
        leaseRole["rules"]!.AsArray().Where(r => r!["resourceNames"] is not null)
            .Should().ContainSingle().Which!["resourceNames"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal(leaseName);
        var binding = Kind.OfKind("ClusterRoleBinding").Single();
        Str(binding["subjects"]![0]!["name"]).Should().Be("cmp-control-plane");
    }

    [Theory]
    [InlineData("cmp-control-plane", "ConnectionStrings__ControlPlane")]
    [InlineData("cmp-provisioner", "ConnectionStrings__Provisioner")]
    [InlineData("cmp-gateway", "ConnectionStrings__Gateway")]
    public void Migrations_run_before_the_app_and_the_app_does_not_migrate_again(string deployment, string connectionString)
    {
        var pod = Kind.Single("Deployment", deployment)["spec"]!["template"]!["spec"]!;
        var init = pod["initContainers"]!.AsArray().Single()!;
        var app = pod["containers"]![0]!;

        init["args"]!.AsArray().Select(a => a!.GetValue<string>()).Should().Equal("migrate");
        Str(init["image"]).Should().Be(Str(app["image"]));
        init["env"]!.AsArray().Should().Contain(e => Str(e!["name"]) == connectionString);
        app["env"]!.AsArray().Should().Contain(e => Str(e!["name"]) == "Database__MigrateOnStartup" && Str(e["value"]) == "false");
    }
}
