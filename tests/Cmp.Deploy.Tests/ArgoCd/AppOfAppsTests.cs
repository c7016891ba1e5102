using System.Text.Json.Nodes;
using Cmp.Deploy.Tests.Tooling;
using Cmp.Testing;
using static Cmp.Deploy.Tests.Tooling.Manifests;

namespace Cmp.Deploy.Tests.ArgoCd;

/// <summary>The app of apps: valid Argo CD objects, ordered by sync waves (operators and databases first), every child
/// self-healing and pruning, every Git path and values file present, every third-party chart pinned.</summary>
public sealed class AppOfAppsTests
{
    static readonly Lazy<Manifests> Apps = new(() => Manifests.Parse(Render.Template("cmp-root", Path.Combine(RepoPaths.Root, "argocd", "apps"), "argocd",
        "--set", "repoURL=https://github.com/your-org/cmp.git", "--set", "targetRevision=main", "--set", "imageTag=abc1234")));

    static int Wave(JsonObject app) => int.Parse(Str(app["metadata"]!["annotations"]!["argocd.argoproj.io/sync-wave"]), System.Globalization.CultureInfo.InvariantCulture);
    static JsonObject App(string name) => Apps.Value.Single("Application", name);

    [Fact]
    public void The_root_and_every_child_are_valid_applications()
    {
        var root = Tools.Validate(files: [Path.Combine(RepoPaths.Root, "argocd", "root.yaml")]);
        var children = Tools.Validate(yaml: Render.Template("cmp-root", Path.Combine(RepoPaths.Root, "argocd", "apps"), "argocd"));

        root.Failed.Should().Be(0, root.Output);
        root.Passed.Should().Be(1);
        children.Failed.Should().Be(0, children.Output);
        children.Passed.Should().Be(8);
    }

    [Fact]
    public void The_platform_is_all_there()
    {
        Apps.Value.OfKind("Application").Select(a => Str(a["metadata"]!["name"])).Should().BeEquivalentTo(
            "cnpg-operator", "postgres", "keycloak-realm", "keycloak", "saleor", "langflow", "cmp", "cmp-offerings");
    }

    [Fact]
    public void Sync_waves_bring_operators_and_databases_first_and_offerings_last()
    {
        Wave(App("cnpg-operator")).Should().BeLessThan(Wave(App("postgres")));
        Wave(App("postgres")).Should().BeLessThan(Wave(App("keycloak-realm")));
        Wave(App("keycloak-realm")).Should().BeLessThan(Wave(App("keycloak")));
        foreach (var consumer in new[] { "keycloak", "saleor", "cmp" }) Wave(App("postgres")).Should().BeLessThan(Wave(App(consumer)));
        foreach (var dependency in new[] { "keycloak", "saleor", "langflow" }) Wave(App(dependency)).Should().BeLessThan(Wave(App("cmp")));
        Wave(App("cmp")).Should().BeLessThan(Wave(App("cmp-offerings")), "AgentOffering objects need their CRD and operator");
    }

    [Fact]
    public void Every_child_syncs_automatically_prunes_self_heals_creates_its_namespace_and_cascades_deletion()
    {
        foreach (var app in Apps.Value.OfKind("Application"))
        {
            var policy = app["spec"]!["syncPolicy"]!;
            policy["automated"]!["prune"]!.GetValue<bool>().Should().BeTrue(Id(app));
            policy["automated"]!["selfHeal"]!.GetValue<bool>().Should().BeTrue(Id(app));
            policy["syncOptions"]!.AsArray().Select(o => Str(o)).Should().Contain("CreateNamespace=true", Id(app));
            app["metadata"]!["finalizers"]!.AsArray().Select(f => Str(f)).Should().Contain("resources-finalizer.argocd.argoproj.io");
            Str(app["metadata"]!["namespace"]).Should().Be("argocd");
        }
        var root = Manifests.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "argocd", "root.yaml"))).All.Single();
        root["spec"]!["syncPolicy"]!["automated"]!["selfHeal"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public void Custom_resources_synced_before_their_crd_exists_skip_the_dry_run()
    {
        foreach (var name in new[] { "postgres", "cmp-offerings" })
            App(name)["spec"]!["syncPolicy"]!["syncOptions"]!.AsArray().Select(o => Str(o)).Should().Contain("SkipDryRunOnMissingResource=true", name);
    }

    [Fact]
    public void Git_sources_point_at_folders_and_values_files_of_this_repository()
    {
        foreach (var app in Apps.Value.OfKind("Application"))
        {
            var source = app["spec"]!["source"]!;
            if (source["path"] is null) continue;
            Str(source["repoURL"]).Should().Be("https://github.com/your-org/cmp.git");
            Str(source["targetRevision"]).Should().Be("main");
            var path = Path.Combine(RepoPaths.Root, Str(source["path"]));
            Directory.Exists(path).Should().BeTrue($"{Id(app)} syncs {source["path"]}");
            foreach (var file in source["helm"]?["valueFiles"]?.AsArray() ?? [])
                File.Exists(Path.Combine(path, Str(file))).Should().BeTrue($"{Id(app)} uses {file}");
        }
        var cmp = App("cmp")["spec"]!["source"]!["helm"]!["parameters"]!.AsArray();
        cmp.Should().Contain(p => Str(p!["name"]) == "global.image.tag" && Str(p["value"]) == "abc1234");
    }

    [Fact]
    public void Third_party_charts_and_images_are_pinned()
    {
        foreach (var app in Apps.Value.OfKind("Application"))
        {
            var source = app["spec"]!["source"]!;
            if (source["chart"] is null) continue;
            Str(source["targetRevision"]).Should().MatchRegex(@"^\d+\.\d+\.\d+$", Id(app));
        }
        Str(App("keycloak")["spec"]!["source"]!["helm"]!["valuesObject"]!["image"]!["tag"]).Should().MatchRegex(@"^\d+\.\d+\.\d+$");
        Str(App("langflow")["spec"]!["source"]!["helm"]!["valuesObject"]!["image"]!["tag"]).Should().MatchRegex(@"^\d+\.\d+\.\d+$");
    }

    [Fact]
    public void Keycloak_imports_the_realm_secret_the_realm_application_renders()
    {
        var realm = Manifests.Parse(Render.Template("cmp-realm", Render.Chart("cmp"), "keycloak", "--set", "crds.install=false", "--set", "keycloakRealm.enabled=true",
            "--set", "keycloakRealm.namespace=keycloak", "--set", "gateway.enabled=false", "--set", "runner.enabled=false",
            "--set", "provisioner.enabled=false", "--set", "control-plane.enabled=false"));
        var secret = realm.All.Should().ContainSingle().Subject;
        var keycloak = App("keycloak")["spec"]!["source"]!["helm"]!["valuesObject"]!;

        Str(secret["metadata"]!["namespace"]).Should().Be("keycloak");
        Str(keycloak["extraVolumes"]).Should().Contain($"secretName: {Str(secret["metadata"]!["name"])}");
        Str(keycloak["extraVolumeMounts"]).Should().Contain("/opt/keycloak/data/import");
        keycloak["command"]!.AsArray().Select(c => Str(c)).Should().Contain("--import-realm");
        var json = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(Str(secret["data"]!["cmp-realm.json"])));
        json.Should().Be(File.ReadAllText(Path.Combine(RepoPaths.Root, "charts", "cmp", "files", "cmp-realm.json")));
    }
}
