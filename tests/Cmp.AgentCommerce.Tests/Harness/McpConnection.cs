using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Cmp.AgentCommerce.Tests.Harness;

/// <summary>The SDK's own C# client on the gateway's /mcp, as a buyer (Keycloak token). <paramref name="protocolVersion"/>
/// null lets the client pick (2026-07-28, no session); "2025-11-25" and older use a session. Every structured tool
/// output is checked against the output schema the server lists for the tool.</summary>
public sealed class McpConnection : IAsyncDisposable
{
    readonly Dictionary<string, NJsonSchema.JsonSchema?> _outputSchemas = new(StringComparer.Ordinal);

    McpConnection(McpClient client) => Client = client;

    public McpClient Client { get; }

    public static async Task<McpConnection> OpenAsync(Uri gateway, string token, string? protocolVersion = null)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(gateway, "/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + token },
        });
        var options = new McpClientOptions { ClientInfo = new Implementation { Name = "cmp-tests", Version = "1.0" } };
        if (protocolVersion is not null) options.ProtocolVersion = protocolVersion;
        var connection = new McpConnection(await McpClient.CreateAsync(transport, options));
        foreach (var tool in await connection.Client.ListToolsAsync())
            connection._outputSchemas[tool.Name] = tool.ProtocolTool.OutputSchema is { } schema
                ? await NJsonSchema.JsonSchema.FromJsonAsync(schema.GetRawText())
                : null;
        return connection;
    }

    /// <summary>A tool call: its structured output on success, or the error text (an MCP tool error, isError).</summary>
    public async Task<ToolReply> CallAsync(string tool, object? args = null)
    {
        var dict = args is null
            ? new Dictionary<string, object?>()
            : JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(args))!;
        var result = await Client.CallToolAsync(tool, dict);
        var text = string.Join("\n", result.Content.OfType<TextContentBlock>().Select(t => t.Text));
        if (result.IsError != true && _outputSchemas.GetValueOrDefault(tool) is { } schema)
        {
            var json = JsonSerializer.Serialize(result.StructuredContent);
            var errors = schema.Validate(json);
            if (errors.Count > 0)
                throw new Xunit.Sdk.XunitException($"{tool}'s output breaks its output schema: {string.Join("; ", errors.Select(e => $"{e.Path}: {e.Kind}"))}\n{json}");
        }
        return new ToolReply(result.IsError == true, result.StructuredContent is { } s ? JsonSerializer.SerializeToElement(s) : default, text);
    }

    public ValueTask DisposeAsync() => Client.DisposeAsync();
}

public sealed record ToolReply(bool IsError, JsonElement Structured, string Text)
{
    public JsonElement this[string name] => Structured.GetProperty(name);
    public string Str(string name) => Structured.GetProperty(name).GetString()!;
    public override string ToString() => IsError ? "tool error: " + Text : Structured.ToString();
}
