namespace Cmp.Simulators.KubeApi;

/// <summary>
/// Standalone fake API server: <c>dotnet run --project tests/simulators/kube-api -- --crds charts/cmp/files/crds
/// [--port 6443] [--kubeconfig .cmp/kube/config]</c>. Prints <c>{"msg":"listening","url":…}</c> when ready and writes a
/// kubeconfig for it, so a service can run its operator against it with <c>KUBECONFIG</c>.
/// </summary>
public static class KubeApiProgram
{
    public static async Task Main(string[] args)
    {
        var crds = new List<string>();
        for (var i = 0; i < args.Length - 1; i++)
            if (args[i] == "--crds") crds.Add(args[i + 1]);
        var port = Arg(args, "--port") is { } p ? int.Parse(p, System.Globalization.CultureInfo.InvariantCulture) : 0;
        await using var server = await KubeApiServer.StartAsync(new KubeApiServerOptions { Crds = crds, Port = port, Quiet = false });
        if (Arg(args, "--kubeconfig") is { } path)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await File.WriteAllTextAsync(path, server.Kubeconfig());
        }
        Console.WriteLine($"{{\"msg\":\"listening\",\"url\":\"{server.Url}\"}}");
        await server.WaitForShutdownAsync(CancellationToken.None);
    }

    static string? Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
