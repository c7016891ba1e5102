using System.Security.Cryptography.X509Certificates;
using System.Text;
using Cmp.Primitives;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Cmp.Kubernetes.Config;

/// <summary>
/// Reads kubeconfig files the way kubectl does: several files (<c>$KUBECONFIG</c>, colon-separated) merge with the
/// first occurrence of each named cluster/user/context winning; relative file paths resolve against the file that
/// names them. Supported credentials: token, tokenFile, client certificate/key (file or inline data), basic auth,
/// and exec plugins. The deprecated <c>auth-provider</c> is refused with a message.
/// </summary>
public static class KubeconfigLoader
{
    public static IReadOnlyList<string> DefaultPaths(string? configured)
    {
        var value = !string.IsNullOrEmpty(configured) ? configured : Environment.GetEnvironmentVariable("KUBECONFIG");
        if (!string.IsNullOrEmpty(value))
            return value.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return [Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config")];
    }

    public static Result<KubeConnection> Load(IReadOnlyList<string> paths, string? context = null, TimeProvider? clock = null)
    {
        var files = new List<(string Path, KubeconfigFile File)>();
        foreach (var path in paths)
        {
            if (!File.Exists(path)) continue;
            var parsed = Parse(path);
            if (!parsed.IsSuccess) return parsed.Error;
            files.Add((path, parsed.Value));
        }
        if (files.Count == 0)
            return Error.Permanent("kube_no_kubeconfig", $"No kubeconfig found (looked at {string.Join(", ", paths)}) and not running in a cluster.");

        var contextName = !string.IsNullOrEmpty(context) ? context : files.Select(f => f.File.CurrentContext).FirstOrDefault(c => !string.IsNullOrEmpty(c));
        if (string.IsNullOrEmpty(contextName))
            return Error.Permanent("kube_no_context", "The kubeconfig sets no current-context; set Kubernetes:Context.");
        var ctx = First(files, f => f.Contexts, contextName);
        if (ctx is null) return Error.Permanent("kube_unknown_context", $"The kubeconfig has no context '{contextName}'.");
        var cluster = First(files, f => f.Clusters, ctx.Value.Item.Context?.Cluster ?? "");
        if (cluster?.Item.Cluster?.Server is not { Length: > 0 } server)
            return Error.Permanent("kube_unknown_cluster", $"Context '{contextName}' names cluster '{ctx.Value.Item.Context?.Cluster}', which has no server.");
        var user = First(files, f => f.Users, ctx.Value.Item.Context?.User ?? "");
        var c = cluster.Value.Item.Cluster!;
        var u = user?.Item.User ?? new KubeconfigUser();
        var clusterDir = Path.GetDirectoryName(Path.GetFullPath(cluster.Value.Path))!;
        var userDir = user is null ? clusterDir : Path.GetDirectoryName(Path.GetFullPath(user.Value.Path))!;

        try
        {
            X509Certificate2Collection? ca = null;
            var caPem = PemFrom(c.CertificateAuthorityData, c.CertificateAuthority, clusterDir);
            if (caPem is not null)
            {
                ca = [];
                ca.ImportFromPem(caPem);
            }
            X509Certificate2? clientCert = null;
            var certPem = PemFrom(u.ClientCertificateData, u.ClientCertificate, userDir);
            var keyPem = PemFrom(u.ClientKeyData, u.ClientKey, userDir);
            if (certPem is not null && keyPem is not null)
            {
                // An ephemeral key can't be used for client TLS on every platform: round-trip through PKCS#12.
                using var pem = X509Certificate2.CreateFromPem(certPem, keyPem);
                clientCert = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
            }
            if (u.AuthProvider is not null)
                return Error.Permanent("kube_auth_provider_unsupported",
                    $"User '{ctx.Value.Item.Context?.User}' uses the removed auth-provider mechanism; switch to an exec plugin (e.g. kubelogin).");
            var time = clock ?? TimeProvider.System;
            ITokenSource? token = u switch
            {
                { Token: { Length: > 0 } t } => new StaticTokenSource(t),
                { TokenFile: { Length: > 0 } f } => new FileTokenSource(Resolve(f, userDir), time),
                { Exec: { } exec } => new ExecTokenSource(exec, userDir, time),
                _ => null,
            };
            return new KubeConnection
            {
                Server = new Uri(server),
                Namespace = ctx.Value.Item.Context?.Namespace is { Length: > 0 } ns ? ns : "default",
                CaCertificates = ca,
                InsecureSkipTlsVerify = c.InsecureSkipTlsVerify,
                TlsServerName = c.TlsServerName,
                ClientCertificate = clientCert,
                Token = token,
                Basic = u.Username is { Length: > 0 } name ? (name, u.Password ?? "") : null,
                Source = $"kubeconfig {cluster.Value.Path}, context {contextName}",
            };
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or FormatException or UriFormatException)
        {
            return Error.Permanent("kube_bad_kubeconfig", $"Context '{contextName}': {e.Message}");
        }
    }

    static Result<KubeconfigFile> Parse(string path)
    {
        try
        {
            var yaml = new DeserializerBuilder().IgnoreUnmatchedProperties().Build();
            return yaml.Deserialize<KubeconfigFile>(File.ReadAllText(path)) ?? new KubeconfigFile();
        }
        catch (YamlException e)
        {
            return Error.Permanent("kube_bad_kubeconfig", $"{path} is not a valid kubeconfig: {e.Message}");
        }
    }

    static (string Path, T Item)? First<T>(List<(string Path, KubeconfigFile File)> files, Func<KubeconfigFile, List<T>?> select, string name)
        where T : class, INamed
    {
        foreach (var (path, file) in files)
            if (select(file)?.FirstOrDefault(i => i.Name == name) is { } item)
                return (path, item);
        return null;
    }

    static string? PemFrom(string? base64, string? file, string dir)
    {
        if (!string.IsNullOrEmpty(base64)) return Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        if (!string.IsNullOrEmpty(file)) return File.ReadAllText(Resolve(file, dir));
        return null;
    }

    static string Resolve(string path, string dir) =>
        Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(dir, path.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..]) : path));
}

interface INamed
{
    string Name { get; }
}

#pragma warning disable CA1812   // instantiated by YamlDotNet
sealed class KubeconfigFile
{
    [YamlMember(Alias = "current-context")] public string? CurrentContext { get; set; }
    [YamlMember(Alias = "clusters")] public List<NamedCluster>? Clusters { get; set; }
    [YamlMember(Alias = "users")] public List<NamedUser>? Users { get; set; }
    [YamlMember(Alias = "contexts")] public List<NamedContext>? Contexts { get; set; }
}

sealed class NamedCluster : INamed
{
    [YamlMember(Alias = "name")] public string Name { get; set; } = "";
    [YamlMember(Alias = "cluster")] public KubeconfigCluster? Cluster { get; set; }
}

sealed class KubeconfigCluster
{
    [YamlMember(Alias = "server")] public string? Server { get; set; }
    [YamlMember(Alias = "certificate-authority")] public string? CertificateAuthority { get; set; }
    [YamlMember(Alias = "certificate-authority-data")] public string? CertificateAuthorityData { get; set; }
    [YamlMember(Alias = "insecure-skip-tls-verify")] public bool InsecureSkipTlsVerify { get; set; }
    [YamlMember(Alias = "tls-server-name")] public string? TlsServerName { get; set; }
}

sealed class NamedUser : INamed
{
    [YamlMember(Alias = "name")] public string Name { get; set; } = "";
    [YamlMember(Alias = "user")] public KubeconfigUser? User { get; set; }
}

sealed class KubeconfigUser
{
    [YamlMember(Alias = "token")] public string? Token { get; set; }
    [YamlMember(Alias = "tokenFile")] public string? TokenFile { get; set; }
    [YamlMember(Alias = "client-certificate")] public string? ClientCertificate { get; set; }
    [YamlMember(Alias = "client-certificate-data")] public string? ClientCertificateData { get; set; }
    [YamlMember(Alias = "client-key")] public string? ClientKey { get; set; }
    [YamlMember(Alias = "client-key-data")] public string? ClientKeyData { get; set; }
    [YamlMember(Alias = "username")] public string? Username { get; set; }
    [YamlMember(Alias = "password")] public string? Password { get; set; }
    [YamlMember(Alias = "exec")] public ExecConfig? Exec { get; set; }
    [YamlMember(Alias = "auth-provider")] public Dictionary<string, object>? AuthProvider { get; set; }
}

sealed class NamedContext : INamed
{
    [YamlMember(Alias = "name")] public string Name { get; set; } = "";
    [YamlMember(Alias = "context")] public KubeconfigContext? Context { get; set; }
}

sealed class KubeconfigContext
{
    [YamlMember(Alias = "cluster")] public string? Cluster { get; set; }
    [YamlMember(Alias = "user")] public string? User { get; set; }
    [YamlMember(Alias = "namespace")] public string? Namespace { get; set; }
}
#pragma warning restore CA1812

/// <summary>An exec credential plugin as kubeconfig declares it.</summary>
public sealed class ExecConfig
{
    [YamlMember(Alias = "command")] public string Command { get; set; } = "";
    [YamlMember(Alias = "args")] public List<string>? Args { get; set; }
    [YamlMember(Alias = "env")] public List<ExecEnvVar>? Env { get; set; }
    [YamlMember(Alias = "apiVersion")] public string? ApiVersion { get; set; }
    [YamlMember(Alias = "installHint")] public string? InstallHint { get; set; }
    [YamlMember(Alias = "provideClusterInfo")] public bool ProvideClusterInfo { get; set; }
    [YamlMember(Alias = "interactiveMode")] public string? InteractiveMode { get; set; }
}

public sealed class ExecEnvVar
{
    [YamlMember(Alias = "name")] public string Name { get; set; } = "";
    [YamlMember(Alias = "value")] public string Value { get; set; } = "";
}
