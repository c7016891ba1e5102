using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Cmp.Gateway.Tests.Support;

/// <summary>An AI agent connected to the gateway's <c>/mcp</c> with a user's token (the SDK's C# client).</summary>
public sealed class McpBuyer : IAsyncDisposable
{
    readonly McpClient _client;

    McpBuyer(McpClient client) => _client = client;

    public static async Task<McpBuyer> ConnectAsync(TestGateway gateway, string token) =>
        new(await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(gateway.Url, "/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + token },
        }), new McpClientOptions { ClientInfo = new Implementation { Name = "gateway-tests", Version = "1" } }));

    /// <summary>Calls a tool: its structured output, or (on a tool error) the error text.</summary>
    public async Task<(bool IsError, string Text, JsonElement Output)> CallAsync(string tool, object args)
    {
        var dict = JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(args))!;
        var r = await _client.CallToolAsync(tool, dict);
        var text = string.Join("\n", r.Content.OfType<TextContentBlock>().Select(t => t.Text));
        return (r.IsError == true, text, r.StructuredContent is { } s ? JsonSerializer.SerializeToElement(s) : default);
    }

    public async ValueTask DisposeAsync() => await _client.DisposeAsync();
}
