using System.ComponentModel.DataAnnotations;

namespace Cmp.Gateway.Features.Mcp;

/// <summary>The MCP server (Streamable HTTP). Bound from <c>Mcp</c>.</summary>
public sealed class McpOptions
{
    public const string Section = "Mcp";

    public bool Enabled { get; set; } = true;

    [Required, RegularExpression("^/[A-Za-z0-9/_-]*[A-Za-z0-9_-]$")]
    public string Path { get; set; } = "/mcp";

    /// <summary>A session nobody used for this long is closed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Sessions held in memory at most (per replica); the oldest idle one is closed beyond it.</summary>
    [Range(1, 1_000_000)]
    public int MaxSessions { get; set; } = 10_000;

    /// <summary>The OAuth authorization server MCP clients should get tokens from (RFC 9728 metadata);
    /// defaults to <c>Auth:Authority</c>.</summary>
    public Uri? AuthorizationServer { get; set; }
}
