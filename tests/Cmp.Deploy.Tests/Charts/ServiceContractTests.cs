using Cmp.Deploy.Tests.Tooling;
using static Cmp.Deploy.Tests.Tooling.Manifests;

namespace Cmp.Deploy.Tests.Charts;

/// <summary>Each chart against the service it deploys: the image, the port it listens on, the probes it answers,
/// and the settings it reads.</summary>
public sealed class ServiceContractTests
{
    static readonly Lazy<Manifests> KindRender = new(Render.Kind);

    public static TheoryData<string> Services() => new(ServiceInfo.All.Select(s => s.Folder));

    [Theory]
    [MemberData(nameof(Services))]
    public void The_image_is_the_one_kind_up_builds_and_runs_the_services_assembly(string folder)
    {
        var s = ServiceInfo.Get(folder);
        var image = Str(KindRender.Value.Single("Deployment", $"cmp-{folder}")["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]);
        var kindUp = File.ReadAllText(Path.Combine(Cmp.Testing.RepoPaths.Root, "scripts", "kind-up.sh"));
        var assembly = System.Xml.Linq.XDocument.Load(s.Csproj).Descendants("AssemblyName").Single().Value;

        image.Should().Be($"cmp/{folder}:dev");
        kindUp.Should().Contain("SERVICES=(gateway runner provisioner control-plane)").And.Contain("-t \"cmp/$s:$TAG\"");
        assembly.Should().Be(s.Assembly);
        File.ReadAllText(s.Dockerfile).Should().Contain($"ENTRYPOINT [\"dotnet\", \"{assembly}.dll\"]");
        File.ReadAllText(Path.Combine(s.ChartDir, "Chart.yaml")).Should().Contain($"cmp.dev/assembly: {assembly}.dll");
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void The_chart_port_is_the_port_the_image_and_kestrel_use(string folder)
    {
        var s = ServiceInfo.Get(folder);
        var container = KindRender.Value.Single("Deployment", $"cmp-{folder}")["spec"]!["template"]!["spec"]!["containers"]![0]!;
        var port = container["ports"]![0]!["containerPort"]!.GetValue<long>();
        var envPort = Str(container["env"]!.AsArray().Single(e => Str(e!["name"]) == "ASPNETCORE_HTTP_PORTS")!["value"]);
        var dockerfile = File.ReadAllText(s.Dockerfile);

        envPort.Should().Be(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        dockerfile.Should().Contain($"ENV ASPNETCORE_HTTP_PORTS={port}").And.Contain($"EXPOSE {port}");
        var production = ServiceConfiguration.Flatten(ServiceConfiguration.AppSettings(s));
        production.Should().NotContain(k => k.StartsWith("Urls", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Kestrel:Endpoints", StringComparison.OrdinalIgnoreCase),
            "a Urls or Kestrel endpoint in appsettings.json would override ASPNETCORE_HTTP_PORTS in the container");
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Every_setting_the_chart_gives_is_one_the_service_reads(string folder)
    {
        var s = ServiceInfo.Get(folder);
        var reads = ServiceConfiguration.Reads(s);
        var provided = ServiceConfiguration.Provided(KindRender.Value, s);

        var unknown = provided.Keys.Where(k => !ServiceConfiguration.Matches(k, reads) && !ServiceConfiguration.Matches(k, ServiceConfiguration.Pending[folder])).ToList();

        unknown.Should().BeEmpty($"charts/{folder} sets settings services/{folder} never reads (a typo, or add it to ServiceConfiguration.Pending with a reason)");
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Every_setting_development_needs_the_chart_provides_too(string folder)
    {
        var s = ServiceInfo.Get(folder);
        // appsettings.Development.json holds exactly the environment-specific settings (URLs, secrets, connection strings).
        var needed = ServiceConfiguration.Flatten(ServiceConfiguration.AppSettings(s, "Development"))
            .Where(k => !k.StartsWith("Urls", StringComparison.OrdinalIgnoreCase) && !k.EndsWith("RequireHttpsMetadata", StringComparison.OrdinalIgnoreCase)
                        && !k.StartsWith("Logging", StringComparison.OrdinalIgnoreCase)).ToList();
        var provided = ServiceConfiguration.Provided(KindRender.Value, s);

        needed.Should().NotBeEmpty();
        needed.Where(k => !provided.ContainsKey(k)).Should().BeEmpty($"charts/{folder} must set what a cluster needs instead of the dev defaults");
        foreach (var secret in needed.Where(k => k.EndsWith("Secret", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ConnectionStrings", StringComparison.OrdinalIgnoreCase)))
            provided[secret].Should().Be("secret", $"{secret} must come from a Secret, never a ConfigMap");
    }
}
