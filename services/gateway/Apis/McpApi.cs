using System.Text.Json;
using Cmp.Gateway.Features.Mcp;
using Cmp.Hosting.Auth;
using Microsoft.Extensions.Options;

namespace Cmp.Gateway.Apis;

/// <summary>
/// The MCP server: <c>POST</c>/<c>GET</c>/<c>DELETE</c> on <c>Mcp:Path</c> (Streamable HTTP), and the OAuth protected
/// resource metadata (RFC 9728) MCP clients read after a 401 to find the authorization server (Keycloak).
/// </summary>
public static class McpApi
{
    public static IEndpointRouteBuilder MapMcpApi(this IEndpointRouteBuilder app, McpOptions options)
    {
        // Authentication is checked inside the endpoint: a 401 must carry the resource_metadata challenge and a
        // JSON-RPC error body, not the gateway's problem+json.
        var mcp = app.MapGroup(options.Path).AllowAnonymous().WithTags("MCP").ExcludeFromDescription();
        mcp.MapPost("", (HttpContext ctx, McpEndpoint ep) => ep.PostAsync(ctx));
        mcp.MapGet("", (HttpContext ctx, McpEndpoint ep) => ep.GetAsync(ctx));
        mcp.MapDelete("", (HttpContext ctx, McpEndpoint ep) => ep.DeleteAsync(ctx));

        app.MapGet("/.well-known/oauth-protected-resource" + options.Path, ProtectedResource).AllowAnonymous().WithTags("MCP");
        app.MapGet("/.well-known/oauth-protected-resource", ProtectedResource).AllowAnonymous().WithTags("MCP");
        return app;
    }

    static IResult ProtectedResource(HttpContext ctx, IOptions<McpOptions> mcp, IOptions<KeycloakAuthOptions> auth)
    {
        var origin = $"{ctx.Request.Scheme}://{ctx.Request.Host}{ctx.Request.PathBase}";
        return Results.Json(new Dictionary<string, object>
        {
            ["resource"] = origin + mcp.Value.Path,
            ["authorization_servers"] = new[] { (mcp.Value.AuthorizationServer?.ToString() ?? auth.Value.Authority).TrimEnd('/') },
            ["bearer_methods_supported"] = new[] { "header" },
            ["scopes_supported"] = new[] { "openid", "profile", "email" },
            ["resource_name"] = "CMP agent commerce (MCP)",
        }, new JsonSerializerOptions(JsonSerializerDefaults.Web));
    }
}
