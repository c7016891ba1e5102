namespace Cmp.Saleor.GraphQL;

/// <summary>What a top-level definition in a .graphql file is.</summary>
public enum GraphQLDefinitionKind
{
    Query,
    Mutation,
    Subscription,
    Fragment,
}

/// <summary>One named operation or fragment, its exact source text, and the fragments it spreads directly.</summary>
public sealed record GraphQLDefinition(GraphQLDefinitionKind Kind, string Name, string Text, IReadOnlyList<string> Spreads, string Source);

/// <summary>
/// Splits a GraphQL document into its top-level definitions and finds fragment spreads, with just enough lexing
/// (comments, strings, block strings, braces) to do that reliably. It does not validate against a schema: the
/// simulator's node suite validates every document against Saleor's real schema, so this only needs to be exact
/// about where definitions start and end and which names follow <c>...</c>.
/// </summary>
public static class GraphQLDefinitionReader
{
    public static IReadOnlyList<GraphQLDefinition> Read(string text, string source)
    {
        var tokens = Tokenize(text, source);
        var definitions = new List<GraphQLDefinition>();
        var i = 0;
        while (i < tokens.Count)
        {
            var start = tokens[i];
            var (kind, name) = Header(tokens, i, source);
            var spreads = new List<string>();
            var depth = 0;
            var j = i;
            for (; j < tokens.Count; j++)
            {
                var t = tokens[j];
                if (t.Value == "{") depth++;
                else if (t.Value == "}")
                {
                    depth--;
                    if (depth == 0) break;
                    if (depth < 0) throw Fail(source, t, "unbalanced '}'");
                }
                else if (t.Value == "..." && j + 1 < tokens.Count && tokens[j + 1].IsName && tokens[j + 1].Value != "on"
                         && !spreads.Contains(tokens[j + 1].Value))
                {
                    spreads.Add(tokens[j + 1].Value);
                }
            }
            if (j >= tokens.Count) throw Fail(source, start, $"'{name}' has no closing '}}'");
            var end = tokens[j].Offset + 1;
            definitions.Add(new GraphQLDefinition(kind, name, text[start.Offset..end], spreads, source));
            i = j + 1;
        }
        return definitions;
    }

    static (GraphQLDefinitionKind, string) Header(List<Token> tokens, int i, string source)
    {
        var keyword = tokens[i];
        var kind = keyword.Value switch
        {
            "query" => GraphQLDefinitionKind.Query,
            "mutation" => GraphQLDefinitionKind.Mutation,
            "subscription" => GraphQLDefinitionKind.Subscription,
            "fragment" => GraphQLDefinitionKind.Fragment,
            "{" => throw Fail(source, keyword, "anonymous operations are not allowed: name every operation"),
            _ => throw Fail(source, keyword, $"expected query, mutation, subscription or fragment, found '{keyword.Value}'"),
        };
        if (i + 1 >= tokens.Count || !tokens[i + 1].IsName || tokens[i + 1].Value == "on")
            throw Fail(source, keyword, $"a {keyword.Value} needs a name");
        return (kind, tokens[i + 1].Value);
    }

    readonly record struct Token(string Value, int Offset, bool IsName);

    static List<Token> Tokenize(string s, string source)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (char.IsWhiteSpace(c) || c == ',' || c == '\uFEFF') { i++; continue; }
            if (c == '#')
            {
                while (i < s.Length && s[i] != '\n' && s[i] != '\r') i++;
                continue;
            }
            if (c == '"')
            {
                i = SkipString(s, i, source);
                tokens.Add(new Token("\"", i - 1, false));
                continue;
            }
            if (c == '.' && i + 2 < s.Length && s[i + 1] == '.' && s[i + 2] == '.')
            {
                tokens.Add(new Token("...", i, false));
                i += 3;
                continue;
            }
            if (char.IsAsciiLetter(c) || c == '_')
            {
                var start = i;
                while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] == '_')) i++;
                tokens.Add(new Token(s[start..i], start, true));
                continue;
            }
            if (char.IsAsciiDigit(c) || c == '-')
            {
                var start = i++;
                while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] is '.' or '+' or '-')) i++;
                tokens.Add(new Token(s[start..i], start, false));
                continue;
            }
            if ("!$&():=@[]{}|".Contains(c, StringComparison.Ordinal))
            {
                tokens.Add(new Token(c.ToString(), i, false));
                i++;
                continue;
            }
            throw new FormatException($"{source}: unexpected character '{c}' at offset {i}.");
        }
        return tokens;
    }

    /// <summary>Returns the index after a "string" or """block string""" starting at <paramref name="i"/>.</summary>
    static int SkipString(string s, int i, string source)
    {
        if (i + 2 < s.Length && s[i + 1] == '"' && s[i + 2] == '"')
        {
            var end = s.IndexOf("\"\"\"", i + 3, StringComparison.Ordinal);
            while (end > 0 && s[end - 1] == '\\') end = s.IndexOf("\"\"\"", end + 3, StringComparison.Ordinal);
            if (end < 0) throw new FormatException($"{source}: unterminated block string at offset {i}.");
            return end + 3;
        }
        for (var j = i + 1; j < s.Length; j++)
        {
            if (s[j] == '\\') { j++; continue; }
            if (s[j] == '"') return j + 1;
            if (s[j] is '\n' or '\r') break;
        }
        throw new FormatException($"{source}: unterminated string at offset {i}.");
    }

    static FormatException Fail(string source, Token at, string message) =>
        new($"{source}: {message} (offset {at.Offset}).");
}
