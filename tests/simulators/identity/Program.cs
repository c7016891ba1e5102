namespace Cmp.Simulators.Identity;

/// <summary>Dev identity server: <c>dotnet run --project tests/simulators/identity [-- --urls http://127.0.0.1:8180]</c>.</summary>
public static class IdentityProgram
{
    public static async Task Main(string[] args)
    {
        var urls = Arg(args, "--urls") ?? Environment.GetEnvironmentVariable("IDENTITY_URLS") ?? "http://127.0.0.1:8180";
        var realm = Arg(args, "--realm") ?? Environment.GetEnvironmentVariable("IDENTITY_REALM_FILE");
        var publicUrl = Arg(args, "--public-url") ?? Environment.GetEnvironmentVariable("IDENTITY_PUBLIC_URL");

        await using var server = await IdentityServer.StartAsync(urls, realm, publicUrl, quiet: false);
        Console.WriteLine($"{{\"msg\":\"listening\",\"url\":\"{server.Url}\",\"issuer\":\"{server.Issuer}\"}}");
        await server.WaitForShutdownAsync(CancellationToken.None);
    }

    static string? Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
