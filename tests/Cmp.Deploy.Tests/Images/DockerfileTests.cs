using System.Text.RegularExpressions;
using System.Xml.Linq;
using Cmp.Deploy.Tests.Tooling;
using Cmp.Testing;

namespace Cmp.Deploy.Tests.Images;

/// <summary>The service images, checked without Docker (no base image can be pulled here): multi-stage SDK → ASP.NET
/// runtime, non-root, everything the build copies exists and is not excluded by .dockerignore, every project the
/// service references is inside what is copied.</summary>
public sealed partial class DockerfileTests
{
    public static TheoryData<string> Services() => new(ServiceInfo.All.Select(s => s.Folder));

    static string[] Lines(string dockerfile) => File.ReadAllLines(dockerfile).Where(l => !l.TrimStart().StartsWith('#')).ToArray();

    [Theory]
    [MemberData(nameof(Services))]
    public void The_image_builds_with_the_sdk_and_runs_on_the_aspnet_runtime_as_non_root(string folder)
    {
        var lines = Lines(ServiceInfo.Get(folder).Dockerfile);
        var froms = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();

        froms.Should().HaveCount(2);
        froms[0].Should().StartWith("FROM mcr.microsoft.com/dotnet/sdk:").And.EndWith(" AS build");
        froms[1].Should().StartWith("FROM mcr.microsoft.com/dotnet/aspnet:").And.Contain("chiseled");
        froms.Should().OnlyContain(f => !f.Contains(":latest", StringComparison.Ordinal));
        var final = lines.SkipWhile(l => l != froms[1]).ToList();
        final.Should().Contain("USER $APP_UID", "the final stage runs as the image's non-root user");
        final.Should().Contain(l => l.StartsWith("COPY --from=build /app", StringComparison.Ordinal), "only the published output reaches the runtime image");
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Everything_the_build_copies_exists_and_reaches_the_build_context(string folder)
    {
        var s = ServiceInfo.Get(folder);
        var ignore = File.ReadAllLines(Path.Combine(RepoPaths.Root, ".dockerignore")).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var copies = Lines(s.Dockerfile).Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from", StringComparison.Ordinal))
            .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1]).ToList();

        copies.Should().Contain(["global.json", "Directory.Build.props", "Directory.Packages.props", "libs/", $"services/{folder}/"]);
        foreach (var path in copies)
        {
            var full = Path.Combine(RepoPaths.Root, path);
            (File.Exists(full) || Directory.Exists(full)).Should().BeTrue($"{path} is copied by services/{folder}/Dockerfile");
            ignore.Should().NotContain(p => p.TrimEnd('/') == path.TrimEnd('/'), $".dockerignore must not exclude {path}");
        }
        ignore.Should().Contain(["**/bin/", "**/obj/", ".git/"]);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Every_project_the_service_references_is_inside_the_copied_folders(string folder)
    {
        var s = ServiceInfo.Get(folder);
        var pending = new Queue<string>([s.Csproj]);
        var seen = new HashSet<string>();
        while (pending.TryDequeue(out var project))
        {
            if (!seen.Add(project)) continue;
            var relative = Path.GetRelativePath(RepoPaths.Root, project).Replace('\\', '/');
            relative.Should().Match(r => r.StartsWith("libs/", StringComparison.Ordinal) || r.StartsWith($"services/{folder}/", StringComparison.Ordinal),
                $"{relative} must be in libs/ or services/{folder}/ to be in the image build");
            foreach (var reference in XDocument.Load(project).Descendants("ProjectReference"))
                pending.Enqueue(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project)!, reference.Attribute("Include")!.Value.Replace('\\', '/'))));
        }
        var restore = Lines(s.Dockerfile).Single(l => l.Contains("dotnet restore", StringComparison.Ordinal) || l.TrimStart().StartsWith("dotnet restore", StringComparison.Ordinal));
        string.Join('\n', Lines(s.Dockerfile)).Should().Contain($"dotnet restore services/{folder}/{s.Assembly}.csproj")
            .And.Contain($"dotnet publish services/{folder}/{s.Assembly}.csproj -c Release");
        restore.Should().NotBeNull();
    }
}
