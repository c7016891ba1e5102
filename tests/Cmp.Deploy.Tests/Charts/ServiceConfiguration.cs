using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cmp.Deploy.Tests.Tooling;
using static Cmp.Deploy.Tests.Tooling.Manifests;

namespace Cmp.Deploy.Tests.Charts;

/// <summary>
/// What a service reads (configuration keys, from its appsettings files and the options types it binds) and what its
/// chart gives it (environment variables), both in configuration-key form (<c>Section:Key</c>, case-insensitive).
/// </summary>
public static class ServiceConfiguration
{
    /// <summary>
    /// Settings the charts already provide because the design names them, but which the service code does not read
    /// yet: the features reading them are being written in parallel (runner's Langflow client, provisioner's Saleor client,
    /// the control plane's operator and service-to-service calls). Remove an entry when the service binds it.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string[]> Pending = new Dictionary<string, string[]>
    {
        ["runner"] = ["Langflow:ApiKey"],
        ["provisioner"] = ["Saleor:ApiUrl", "Saleor:AppToken"],
        ["control-plane"] = ["ServiceAuth:*", "Http:runner:*", "Operator:*", "Kubernetes:*"],
        ["gateway"] = [],
    };

    /// <summary>Environment variables of the container itself, not settings: the runtime's and the downward API's.</summary>
    public static readonly string[] PlatformVariables = ["ASPNETCORE_HTTP_PORTS", "ASPNETCORE_ENVIRONMENT", "POD_NAME", "POD_NAMESPACE"];

    public static HashSet<string> Flatten(JsonNode? node, string prefix = "")
    {
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o) keys.UnionWith(Flatten(v, prefix.Length == 0 ? k : $"{prefix}:{k}"));
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++) keys.UnionWith(Flatten(a[i], $"{prefix}:{i}"));
                break;
            default:
                keys.Add(prefix);
                break;
        }
        return keys;
    }

    static JsonNode? ReadJson(string path) => File.Exists(path)
        ? JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })
        : null;

    public static JsonNode? AppSettings(ServiceInfo s, string environment = "") =>
        ReadJson(Path.Combine(s.ServiceDir, environment.Length == 0 ? "appsettings.json" : $"appsettings.{environment}.json"));

    static IEnumerable<string> Properties(Type t, string prefix)
    {
        foreach (var p in t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var type = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            if (type.IsClass && type != typeof(string) && type != typeof(Uri) && !type.IsArray && !type.IsGenericType)
                foreach (var nested in Properties(type, $"{prefix}:{p.Name}")) yield return nested;
            else yield return type.IsArray || type.IsGenericType ? $"{prefix}:{p.Name}:*" : $"{prefix}:{p.Name}";
        }
    }

    /// <summary>The keys <paramref name="s"/> reads: its appsettings files, the Cmp.Hosting options every service binds,
    /// ServiceAuth when it calls other services with its own token, Http:&lt;client&gt; for its clients, and the
    /// Kubernetes/Operator options when it references Cmp.Kubernetes.</summary>
    public static List<string> Reads(ServiceInfo s)
    {
        var keys = new List<string>();
        keys.AddRange(Flatten(AppSettings(s)));
        keys.AddRange(Flatten(AppSettings(s, "Development")));
        keys.AddRange(Properties(typeof(Cmp.Hosting.Auth.KeycloakAuthOptions), "Auth"));
        keys.AddRange(["Cmp:MaxRequestBodyBytes", "OpenTelemetry:Endpoint", "Logging:*", "AllowedHosts"]);
        var source = string.Join('\n', Directory.GetFiles(s.ServiceDir, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)).Select(File.ReadAllText));
        var clients = Flatten(AppSettings(s)?["Http"]).Concat(Flatten(AppSettings(s, "Development")?["Http"])).Select(k => k.Split(':')[0]).ToHashSet();
        if (source.Contains("WithServiceToken(", StringComparison.Ordinal) || source.Contains("AddCmpServiceTokens(", StringComparison.Ordinal))
        {
            keys.AddRange(Properties(typeof(Cmp.Hosting.Auth.ServiceAuthOptions), "ServiceAuth"));
            clients.Add("identity");
        }
        foreach (var client in clients) keys.AddRange(Properties(typeof(Cmp.Hosting.Http.HttpResilienceOptions), $"Http:{client}"));
        if (File.ReadAllText(s.Csproj).Contains("Cmp.Kubernetes.csproj", StringComparison.Ordinal))
        {
            keys.AddRange(Properties(typeof(Cmp.Kubernetes.Config.KubernetesOptions), "Kubernetes"));
            keys.AddRange(Properties(typeof(Cmp.Kubernetes.Operator.OperatorOptions), "Operator"));
        }
        return keys;
    }

    public static bool Matches(string key, IEnumerable<string> patterns) => patterns.Any(p =>
        p.EndsWith(":*", StringComparison.Ordinal)
            ? key.StartsWith(p[..^1], StringComparison.OrdinalIgnoreCase) || key.Equals(p[..^2], StringComparison.OrdinalIgnoreCase)
            : key.Equals(p, StringComparison.OrdinalIgnoreCase));

    /// <summary>Every setting the rendered Deployment gives the container, as configuration keys, with where it comes from.</summary>
    public static Dictionary<string, string> Provided(Manifests m, ServiceInfo s)
    {
        var name = $"cmp-{s.Folder}";
        var container = m.Single("Deployment", name)["spec"]!["template"]!["spec"]!["containers"]![0]!;
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var e in container["env"]!.AsArray())
        {
            var env = Str(e!["name"]);
            if (PlatformVariables.Contains(env) || env.StartsWith("CMP_", StringComparison.Ordinal)) continue;   // CMP_DB_* compose the connection string
            // A value composed from secret variables ($(CMP_DB_PASSWORD) …) is as secret as they are.
            var fromSecret = e["valueFrom"] is not null || Str(e["value"]).Contains("$(", StringComparison.Ordinal);
            result[env.Replace("__", ":", StringComparison.Ordinal)] = fromSecret ? "secret" : "env";
        }
        foreach (var from in container["envFrom"]?.AsArray() ?? [])
            if (from!["configMapRef"] is { } cm)
                foreach (var (k, _) in m.Single("ConfigMap", Str(cm["name"]))["data"]!.AsObject())
                    result[k.Replace("__", ":", StringComparison.Ordinal)] = "configmap";
        return result;
    }
}
