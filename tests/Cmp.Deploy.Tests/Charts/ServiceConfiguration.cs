using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
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
    /// Settings the charts already provide because the issue's design names them, but which the service code does not
    /// read yet: the control plane's operator (AddCmpOperator) is wired when its AgentOffering/AgentInstance reconcilers
    /// land. Remove an entry when the service binds it (this test then checks the keys against the options types).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string[]> Pending = new Dictionary<string, string[]>
    {
        ["runner"] = [],
        ["provisioner"] = [],
        ["control-plane"] = ["Operator:*", "Kubernetes:*"],
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

    /// <summary>The C# sources of the service and of every project it references, transitively (libs/…).</summary>
    static List<string> Sources(ServiceInfo s)
    {
        var projects = new List<string>();
        var pending = new Queue<string>([s.Csproj]);
        while (pending.TryDequeue(out var project))
        {
            if (projects.Contains(project)) continue;
            projects.Add(project);
            foreach (var r in System.Xml.Linq.XDocument.Load(project).Descendants("ProjectReference"))
                pending.Enqueue(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project)!, r.Attribute("Include")!.Value.Replace('\\', '/'))));
        }
        var sep = Path.DirectorySeparatorChar;
        return projects.SelectMany(p => Directory.GetFiles(Path.GetDirectoryName(p)!, "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{sep}obj{sep}", StringComparison.Ordinal) && !f.Contains($"{sep}bin{sep}", StringComparison.Ordinal))
            .Select(File.ReadAllText).ToList();
    }

    /// <summary>Options bound to a section, as registered in code: <c>AddValidatedOptions&lt;T&gt;(config, "Section")</c> or
    /// <c>(config, T.Section)</c>, and <c>AddOptions&lt;T&gt;().Bind(config.GetSection("Section"))</c>.</summary>
    static IEnumerable<(string Type, string Section)> Registrations(List<string> sources)
    {
        var all = string.Join('\n', sources);
        var constants = Regex.Matches(all, @"class\s+(\w+)[^{]*\{[^}]*?const\s+string\s+Section\s*=\s*""([^""]+)""", RegexOptions.Singleline)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        foreach (Match m in Regex.Matches(all, @"AddValidatedOptions<(\w+)>\(\s*\w+\s*,\s*(?:""([^""]+)""|(\w+)\.Section)"))
        {
            var type = m.Groups[1].Value;
            var section = m.Groups[2].Success ? m.Groups[2].Value : constants.GetValueOrDefault(m.Groups[3].Value);
            if (section is not null) yield return (type, section);
        }
        foreach (Match m in Regex.Matches(all, @"AddOptions<(\w+)>\(\)\s*\.Bind\(\s*\w+\.GetSection\(""([^""]+)""\)"))
            yield return (m.Groups[1].Value, m.Groups[2].Value);
        foreach (Match m in Regex.Matches(all, @"AddOptions<(\w+)>\(\)\s*\.Bind\(\s*\w+\.GetSection\((\w+)\.Section\)"))
            if (constants.TryGetValue(m.Groups[2].Value, out var section)) yield return (m.Groups[1].Value, section);
    }

    /// <summary>Public types of the service's built output (its assembly and the libraries next to it), by simple name.</summary>
    static Dictionary<string, Type> BuiltTypes(ServiceInfo s)
    {
        var dll = Cmp.Testing.Hosting.ServiceProcess.Dll(s.Folder, s.Assembly);
        var dir = Path.GetDirectoryName(dll)!;
        var context = new System.Runtime.Loader.AssemblyLoadContext($"contract-{s.Folder}", isCollectible: true);
        context.Resolving += (ctx, name) => File.Exists(Path.Combine(dir, name.Name + ".dll")) ? ctx.LoadFromAssemblyPath(Path.Combine(dir, name.Name + ".dll")) : null;
        var types = new Dictionary<string, Type>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(dir, "Cmp.*.dll"))
        {
            Type[] exported;
            try { exported = context.LoadFromAssemblyPath(file).GetExportedTypes(); }
            catch (Exception e) when (e is BadImageFormatException or FileLoadException or ReflectionTypeLoadException) { continue; }
            foreach (var t in exported) types.TryAdd(t.Name, t);
        }
        return types;
    }

    /// <summary>The keys <paramref name="s"/> reads: its appsettings files; every options type it (or a library it uses)
    /// binds to a section, with all their settable properties; Auth and the other Cmp.Hosting defaults every service has;
    /// ServiceAuth when it calls other services with its own token; Http:&lt;client&gt; for its HTTP clients; the
    /// Kubernetes/Operator options when it references Cmp.Kubernetes.</summary>
    public static List<string> Reads(ServiceInfo s)
    {
        var keys = new List<string>();
        keys.AddRange(Flatten(AppSettings(s)));
        keys.AddRange(Flatten(AppSettings(s, "Development")));
        keys.AddRange(Properties(typeof(Cmp.Hosting.Auth.KeycloakAuthOptions), "Auth"));
        keys.AddRange(["Cmp:MaxRequestBodyBytes", "OpenTelemetry:Endpoint", "Logging:*", "AllowedHosts"]);
        var sources = Sources(s);
        var types = BuiltTypes(s);
        foreach (var (type, section) in Registrations(sources).Distinct())
            if (types.TryGetValue(type, out var t)) keys.AddRange(Properties(t, section));
        var clients = Flatten(AppSettings(s)?["Http"]).Concat(Flatten(AppSettings(s, "Development")?["Http"])).Select(k => k.Split(':')[0]).ToHashSet();
        if (sources.Any(src => src.Contains("WithServiceToken(", StringComparison.Ordinal) || src.Contains("AddCmpServiceTokens(", StringComparison.Ordinal)))
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
