using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Cmp.Gateway.Features.Mcp;

/// <summary>
/// MCP over Streamable HTTP on an ASP.NET Core endpoint, hosting the SDK's <see cref="StreamableHttpServerTransport"/>
/// (ModelContextProtocol.AspNetCore does not restore here; ../shared/reference/dotnet/recipes.md §3). Protocol
/// revisions up to 2025-11-25 get sessions (<c>initialize</c> → <c>Mcp-Session-Id</c>; GET stream; DELETE); 2026-07-28
/// is served statelessly, one server per request. Every request needs a buyer's Keycloak access token, like the REST
/// API; a session belongs to the user who opened it.
/// </summary>
public sealed class McpEndpoint(
    McpSessions sessions,
    IOptions<McpServerOptions> serverOptions,
    IOptionsFactory<McpServerOptions> serverOptionsFactory,
    IOptions<McpOptions> options,
    ILoggerFactory loggerFactory,
    IServiceProvider services,
    TimeProvider clock)
{
    public const string SessionHeader = "Mcp-Session-Id";
    public const string ProtocolHeader = "MCP-Protocol-Version";
    const string Stateless = "2026-07-28";

    /// <summary>The revisions this server speaks (the SDK keeps its own list internal).</summary>
    public static readonly IReadOnlyList<string> ProtocolVersions = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25", Stateless];

    static readonly JsonTypeInfo<JsonRpcMessage> MessageType = (JsonTypeInfo<JsonRpcMessage>)McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcMessage));
    static readonly MediaTypeHeaderValue Json = new("application/json");
    static readonly MediaTypeHeaderValue EventStream = new("text/event-stream");

    public async Task PostAsync(HttpContext ctx)
    {
        if (await AuthenticateAsync(ctx) is not { } subject) return;
        var accept = ctx.Request.GetTypedHeaders().Accept;
        if (!accept.Any(a => Json.IsSubsetOf(a)) || !accept.Any(a => EventStream.IsSubsetOf(a)))
        {
            await ErrorAsync(ctx, 406, -32000, "Not Acceptable: the client must accept both application/json and text/event-stream.");
            return;
        }
        var version = ctx.Request.Headers[ProtocolHeader].ToString();
        if (version.Length > 0 && !ProtocolVersions.Contains(version))
        {
            await ErrorAsync(ctx, 400, -32000, $"Bad Request: unsupported MCP-Protocol-Version '{version}'; supported: {string.Join(", ", ProtocolVersions)}.");
            return;
        }
        JsonRpcMessage? message;
        try
        {
            message = await JsonSerializer.DeserializeAsync(ctx.Request.Body, MessageType, ctx.RequestAborted);
        }
        catch (JsonException e)
        {
            await ErrorAsync(ctx, 400, -32700, $"Parse error: {e.Message}");
            return;
        }
        if (message is null)
        {
            await ErrorAsync(ctx, 400, -32600, "Invalid Request: the body must be one JSON-RPC message.");
            return;
        }
        message.Context ??= new JsonRpcMessageContext();
        message.Context.User = ctx.User;   // tools receive the caller as a ClaimsPrincipal
        if (version.Length > 0) message.Context.ProtocolVersion = version;

        if (string.CompareOrdinal(version, Stateless) >= 0)
        {
            await ServeStatelessAsync(ctx, message);
            return;
        }

        McpHttpSession session;
        var sessionId = ctx.Request.Headers[SessionHeader].ToString();
        if (sessionId.Length == 0)
        {
            if (message is not JsonRpcRequest { Method: RequestMethods.Initialize })
            {
                await ErrorAsync(ctx, 400, -32000, "Bad Request: no Mcp-Session-Id; start a session with an initialize request.");
                return;
            }
            var transport = new StreamableHttpServerTransport(loggerFactory) { SessionId = McpSessions.NewId(), FlowExecutionContextFromRequests = true };
            // Application services, not the request's: the session outlives this request (tools get a scope per call).
            var server = McpServer.Create(transport, serverOptions.Value, loggerFactory, services);
            session = new McpHttpSession(transport.SessionId!, subject, transport, server, clock);
            session.Start();
            await sessions.AddAsync(session);
        }
        else if (await SessionAsync(ctx, sessionId, subject) is { } existing) session = existing;
        else return;

        session.Touch();
        ctx.Response.Headers[SessionHeader] = session.Id;
        PrepareEventStream(ctx);
        if (!await session.Transport.HandlePostRequestAsync(message, ctx.Response.Body, ctx.RequestAborted))
        {
            ctx.Response.Headers.ContentType = default;
            ctx.Response.StatusCode = StatusCodes.Status202Accepted;
        }
    }

    public async Task GetAsync(HttpContext ctx)
    {
        if (await AuthenticateAsync(ctx) is not { } subject) return;
        if (!ctx.Request.GetTypedHeaders().Accept.Any(a => EventStream.IsSubsetOf(a)))
        {
            await ErrorAsync(ctx, 406, -32000, "Not Acceptable: the client must accept text/event-stream.");
            return;
        }
        var sessionId = ctx.Request.Headers[SessionHeader].ToString();
        if (sessionId.Length == 0)
        {
            await ErrorAsync(ctx, 400, -32000, "Bad Request: Mcp-Session-Id is required.");
            return;
        }
        if (await SessionAsync(ctx, sessionId, subject) is not { } session) return;
        if (!session.TryStartGet())
        {
            await ErrorAsync(ctx, 400, -32000, "Bad Request: this session already has a GET stream.");
            return;
        }
        session.Touch();
        ctx.Response.Headers[SessionHeader] = session.Id;
        PrepareEventStream(ctx);
        await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, session.Closed);
        try
        {
            await session.Transport.HandleGetRequestAsync(ctx.Response.Body, linked.Token);
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
        }
    }

    public async Task DeleteAsync(HttpContext ctx)
    {
        if (await AuthenticateAsync(ctx) is not { } subject) return;
        var sessionId = ctx.Request.Headers[SessionHeader].ToString();
        if (await SessionAsync(ctx, sessionId, subject) is null) return;
        await sessions.RemoveAsync(sessionId, "deleted by the client");
        ctx.Response.StatusCode = StatusCodes.Status200OK;
    }

    /// <summary>2026-07-28 has no sessions: a server per request, on the request's own services.</summary>
    async Task ServeStatelessAsync(HttpContext ctx, JsonRpcMessage message)
    {
        var transport = new StreamableHttpServerTransport(loggerFactory) { Stateless = true };
        var o = serverOptionsFactory.Create(Options.DefaultName);
        o.ScopeRequests = false;
        var server = McpServer.Create(transport, o, loggerFactory, ctx.RequestServices);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted);
        var run = server.RunAsync(stop.Token);
        try
        {
            PrepareEventStream(ctx);
            if (!await transport.HandlePostRequestAsync(message, ctx.Response.Body, ctx.RequestAborted))
            {
                ctx.Response.Headers.ContentType = default;
                ctx.Response.StatusCode = StatusCodes.Status202Accepted;
            }
        }
        finally
        {
            await stop.CancelAsync();
            await transport.DisposeAsync();
            try { await run; }
            catch (OperationCanceledException) { }
            await server.DisposeAsync();
        }
    }

    async Task<McpHttpSession?> SessionAsync(HttpContext ctx, string id, string subject)
    {
        if (!sessions.TryGet(id, out var session))
        {
            await ErrorAsync(ctx, 404, -32001, "Session not found: start a new one with initialize.");
            return null;
        }
        if (session.Owner != subject)
        {
            await ErrorAsync(ctx, 403, -32000, "Forbidden: this session belongs to another user.");
            return null;
        }
        return session;
    }

    /// <summary>The caller's <c>sub</c>, or a 401 pointing MCP clients at the OAuth metadata (RFC 9728), as the MCP
    /// authorization spec asks.</summary>
    async Task<string?> AuthenticateAsync(HttpContext ctx)
    {
        var result = await ctx.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
        if (result.Succeeded && result.Principal.FindFirst("sub")?.Value is { Length: > 0 } sub)
        {
            ctx.User = result.Principal;
            return sub;
        }
        var metadata = $"{ctx.Request.Scheme}://{ctx.Request.Host}{ctx.Request.PathBase}/.well-known/oauth-protected-resource{options.Value.Path}";
        var hasToken = ctx.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);
        ctx.Response.Headers.WWWAuthenticate = hasToken
            ? $"Bearer error=\"invalid_token\", resource_metadata=\"{metadata}\""
            : $"Bearer resource_metadata=\"{metadata}\"";
        await ErrorAsync(ctx, 401, -32000, hasToken
            ? "Unauthorized: the access token is invalid or expired."
            : "Unauthorized: send a Keycloak access token as 'Authorization: Bearer'.");
        return null;
    }

    static void PrepareEventStream(HttpContext ctx)
    {
        ctx.Response.Headers.ContentType = "text/event-stream";
        ctx.Response.Headers.CacheControl = "no-cache,no-store";
        ctx.Response.Headers.ContentEncoding = "identity";
        ctx.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();
    }

    static Task ErrorAsync(HttpContext ctx, int status, int code, string message)
    {
        var error = new JsonRpcError { Id = default, Error = new JsonRpcErrorDetail { Code = code, Message = message } };
        ctx.Response.StatusCode = status;
        return ctx.Response.WriteAsJsonAsync(error, (JsonTypeInfo<JsonRpcError>)McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcError)), "application/json", ctx.RequestAborted);
    }
}
