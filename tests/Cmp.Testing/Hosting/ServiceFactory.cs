using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;

namespace Cmp.Testing.Hosting;

/// <summary>
/// Runs a CMP service in the test process on real Kestrel (a free loopback port), so calls between services and
/// from simulators are real HTTP. Settings are applied as host settings, so Program.cs sees them from its first line.
/// </summary>
public sealed class ServiceFactory<TEntryPoint>(IReadOnlyDictionary<string, string?> settings, Action<IWebHostBuilder>? configure = null)
    : WebApplicationFactory<TEntryPoint> where TEntryPoint : class
{
    /// <summary>The service's base URL once <see cref="Start"/> returned.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Starts on <paramref name="port"/> (0: any free port).</summary>
    public Uri Start(int port = 0)
    {
        UseKestrel(port);
        StartServer();
        Url = ClientOptions.BaseAddress;
        return Url;
    }

    /// <summary>
    /// The service's project folder is its content root (where appsettings.json lives). Test projects learn it from
    /// attributes Mvc.Testing generates; other hosts (benchmarks) find it here, by the project file's name.
    /// </summary>
    protected override IHost CreateHost(IHostBuilder builder)
    {
        var name = typeof(TEntryPoint).Assembly.GetName().Name;
        var services = Path.Combine(RepoPaths.Root, "services");
        var project = Directory.Exists(services)
            ? Directory.GetFiles(services, name + ".csproj", SearchOption.AllDirectories).FirstOrDefault()
            : null;
        if (project is not null) builder.UseContentRoot(Path.GetDirectoryName(project)!);
        return base.CreateHost(builder);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        configure?.Invoke(builder);
    }

    /// <summary>A client with a real socket to the service (not the in-memory test server).</summary>
    public HttpClient CreateHttpClient(string? bearer = null)
    {
        var client = new HttpClient { BaseAddress = Url };
        if (bearer is not null) client.DefaultRequestHeaders.Authorization = new("Bearer", bearer);
        return client;
    }
}
