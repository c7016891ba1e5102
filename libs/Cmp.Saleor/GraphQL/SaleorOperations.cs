using System.Reflection;

namespace Cmp.Saleor.GraphQL;

/// <summary>An operation ready to send: its kind and its full text (the operation, then every fragment it needs, once).</summary>
/// <param name="DeclaredIdempotent">The file says <c># @idempotent &lt;why&gt;</c>: a mutation that sets state (same input,
/// same result), so sending it twice is harmless.</param>
public sealed record SaleorOperation(string Name, GraphQLDefinitionKind Kind, string Document, bool DeclaredIdempotent = false)
{
    public bool IsQuery => Kind == GraphQLDefinitionKind.Query;

    /// <summary>May the transport retry it after a failure whose outcome is unknown? Queries yes; mutations only when
    /// declared idempotent (a create, a payment or a fulfilment could happen twice).</summary>
    public bool RetrySafe => IsQuery || DeclaredIdempotent;
}

/// <summary>
/// The GraphQL documents CMP sends to Saleor, looked up by operation name. They live as <c>.graphql</c> files (one
/// operation per file, file name = operation name; fragments shared by name across files) embedded in the assembly.
/// Everything is parsed and assembled once, at construction, so a missing fragment or a duplicate name fails at
/// startup, not at the first request.
/// </summary>
public sealed partial class SaleorOperations
{
    /// <summary><c># @idempotent why…</c> on a line of its own; the reason is for the reader and required.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*#\s*@idempotent\b")]
    private static partial System.Text.RegularExpressions.Regex IdempotentMarker();

    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*#\s*@idempotent\s+\S")]
    private static partial System.Text.RegularExpressions.Regex IdempotentReason();

    const string ResourcePrefix = "Cmp.Saleor.Operations/";

    readonly Dictionary<string, SaleorOperation> _operations;

    SaleorOperations(IEnumerable<(GraphQLDefinition Definition, bool Idempotent)> files)
    {
        var definitions = files.Select(f => f.Definition).ToList();
        var idempotent = files.Where(f => f.Idempotent).Select(f => f.Definition.Name).ToHashSet(StringComparer.Ordinal);
        var operations = new Dictionary<string, GraphQLDefinition>(StringComparer.Ordinal);
        var fragments = new Dictionary<string, GraphQLDefinition>(StringComparer.Ordinal);
        foreach (var d in definitions)
        {
            var target = d.Kind == GraphQLDefinitionKind.Fragment ? fragments : operations;
            if (!target.TryAdd(d.Name, d))
                throw new InvalidOperationException(
                    $"Duplicate GraphQL {d.Kind.ToString().ToLowerInvariant()} '{d.Name}' in {d.Source} and {target[d.Name].Source}.");
        }
        foreach (var name in idempotent.Where(n => operations.TryGetValue(n, out var o) && o.Kind != GraphQLDefinitionKind.Mutation))
            throw new InvalidOperationException($"{operations[name].Source}: only mutations are marked @idempotent (queries are retried anyway).");
        _operations = operations.Values.ToDictionary(o => o.Name,
            o => new SaleorOperation(o.Name, o.Kind, Assemble(o, fragments), idempotent.Contains(o.Name)), StringComparer.Ordinal);
        Fragments = fragments.Keys.Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The documents embedded in Cmp.Saleor (loaded once per process).</summary>
    public static SaleorOperations Default => Lazy.Value;

    static readonly Lazy<SaleorOperations> Lazy = new(() => FromAssemblies(typeof(SaleorOperations).Assembly));

    /// <summary>Every embedded <c>.graphql</c> resource of these assemblies (a service may embed its own documents
    /// next to Cmp.Saleor's; fragments are shared across all of them).</summary>
    public static SaleorOperations FromAssemblies(params Assembly[] assemblies)
    {
        var definitions = new List<(GraphQLDefinition, bool)>();
        foreach (var assembly in assemblies.Distinct())
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.EndsWith(".graphql", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            var source = resource.StartsWith(ResourcePrefix, StringComparison.Ordinal) ? resource[ResourcePrefix.Length..] : resource;
            definitions.AddRange(ReadFile(reader.ReadToEnd(), source));
        }
        return new SaleorOperations(definitions);
    }

    /// <summary>Documents given as (source name, text) pairs, for tests and tools.</summary>
    public static SaleorOperations FromTexts(params (string Source, string Text)[] documents) =>
        new(documents.SelectMany(d => ReadFile(d.Text, d.Source)));

    /// <summary>Names of all operations, sorted.</summary>
    public IReadOnlyList<string> Names => _operations.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>Names of all fragments, sorted.</summary>
    public IReadOnlyList<string> Fragments { get; }

    public bool Contains(string name) => _operations.ContainsKey(name);

    /// <summary>The operation called <paramref name="name"/>; an unknown name is a bug in the caller.</summary>
    public SaleorOperation Get(string name) =>
        _operations.TryGetValue(name, out var op)
            ? op
            : throw new KeyNotFoundException($"No GraphQL operation named '{name}' is embedded. Add Operations/<kind>/{name}.graphql to Cmp.Saleor.");

    static IEnumerable<(GraphQLDefinition, bool)> ReadFile(string text, string source)
    {
        var definitions = GraphQLDefinitionReader.Read(text, source);
        var operations = definitions.Where(d => d.Kind != GraphQLDefinitionKind.Fragment).ToList();
        if (operations.Count > 1)
            throw new InvalidOperationException($"{source} holds {operations.Count} operations; keep one operation per file.");
        var fileName = Path.GetFileNameWithoutExtension(source);
        if (operations.Count == 1 && operations[0].Name != fileName)
            throw new InvalidOperationException($"{source}: the file name must equal the operation name '{operations[0].Name}'.");
        var markers = text.Split('\n').Where(line => IdempotentMarker().IsMatch(line)).ToList();
        if (markers.Any(m => !IdempotentReason().IsMatch(m)))
            throw new InvalidOperationException($"{source}: '# @idempotent' must say why the mutation is safe to send twice.");
        var idempotent = markers.Count > 0;
        if (idempotent && operations.Count == 0) throw new InvalidOperationException($"{source}: @idempotent marks an operation, not a fragment.");
        return definitions.Select(d => (d, idempotent && d.Kind != GraphQLDefinitionKind.Fragment));
    }

    /// <summary>The operation text followed by every fragment it needs transitively, each once, in first-use order
    /// (deterministic, so a webhook's subscription query compares equal between runs).</summary>
    static string Assemble(GraphQLDefinition operation, Dictionary<string, GraphQLDefinition> fragments)
    {
        var needed = new List<GraphQLDefinition>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<GraphQLDefinition>([operation]);
        while (queue.Count > 0)
        {
            foreach (var name in queue.Dequeue().Spreads)
            {
                if (!seen.Add(name)) continue;
                if (!fragments.TryGetValue(name, out var fragment))
                    throw new InvalidOperationException($"{operation.Source}: operation '{operation.Name}' uses the unknown fragment '{name}'.");
                needed.Add(fragment);
                queue.Enqueue(fragment);
            }
        }
        return string.Join("\n\n", needed.Prepend(operation).Select(d => d.Text.Trim()));
    }
}
