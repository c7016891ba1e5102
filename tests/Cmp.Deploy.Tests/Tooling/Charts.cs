using Cmp.Testing;

namespace Cmp.Deploy.Tests.Tooling;

/// <summary>The four CMP services as the repository lays them out: folder, chart, assembly.</summary>
public sealed record ServiceInfo(string Folder, string Assembly, string UmbrellaKey)
{
    public static readonly ServiceInfo[] All =
    [
        new("gateway", "Cmp.Gateway", "gateway"),
        new("runner", "Cmp.Runner", "runner"),
        new("provisioner", "Cmp.Provisioner", "provisioner"),
        new("control-plane", "Cmp.ControlPlane", "control-plane"),
    ];

    public static ServiceInfo Get(string folder) => All.Single(s => s.Folder == folder);

    public string ChartDir => Path.Combine(RepoPaths.Root, "charts", Folder);
    public string ServiceDir => Path.Combine(RepoPaths.Root, "services", Folder);
    public string Csproj => Path.Combine(ServiceDir, Assembly + ".csproj");
    public string Dockerfile => Path.Combine(ServiceDir, "Dockerfile");

    public override string ToString() => Folder;
}

public static class Render
{
    public static string Chart(string name) => Path.Combine(RepoPaths.Root, "charts", name);

    /// <summary><c>helm template</c>; fails the test with helm's message when it does not render.</summary>
    public static string Template(string release, string chartDir, string ns, params string[] extra)
    {
        if (chartDir.EndsWith(Path.Combine("charts", "cmp"), StringComparison.Ordinal)) Tools.EnsureUmbrellaDependencies();
        var r = Tools.HelmRun(["template", release, chartDir, "-n", ns, "--include-crds", "--kube-version", "1.34.0", .. extra]);
        if (r.ExitCode != 0) throw new InvalidOperationException($"helm template {chartDir} {string.Join(' ', extra)} failed:\n{r.Output}");
        return r.Stdout;
    }

    /// <summary>The umbrella chart as the KinD cluster gets it (argocd/apps → values-kind.yaml).</summary>
    public static Manifests Kind() => Manifests.Parse(Template("cmp", Chart("cmp"), "cmp", "-f", Path.Combine(Chart("cmp"), "values-kind.yaml")));

    /// <summary>What a user must always give a service chart: the Keycloak realm and, where needed, its client secret.</summary>
    public static string[] MinimalServiceValues(ServiceInfo s)
    {
        var args = new List<string> { "--set", "global.config.Auth.Authority=https://auth.example.com/realms/cmp" };
        if (s.Folder != "runner") args.AddRange(["--set", "secrets.ServiceAuth__ClientSecret.existingSecret=keycloak-client"]);
        if (s.Folder == "control-plane") args.AddRange(["--set", "database.cnpg.secretName=cmp-db-app"]);
        if (s.Folder == "provisioner") args.AddRange(["--set", "database.cnpg.secretName=provisioner-db-app"]);
        if (s.Folder == "gateway") args.AddRange(["--set", "database.cnpg.secretName=gateway-db-app"]);
        if (s.Folder == "runner") args.AddRange(["--set", "secrets.Langflow__ApiKey.existingSecret=langflow-api-key"]);
        return [.. args];
    }
}
