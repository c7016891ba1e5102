using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;

namespace Cmp.Gateway.Features.Mcp;

/// <summary>One Streamable HTTP session: its transport, the server running on it, and who opened it.</summary>
public sealed class McpHttpSession(string id, string owner, StreamableHttpServerTransport transport, McpServer server, TimeProvider clock) : IAsyncDisposable
{
    readonly CancellationTokenSource _closed = new();
    int _getStreams;
    int _disposed;

    public string Id { get; } = id;
    /// <summary>The <c>sub</c> of the user who opened it: nobody else may use it.</summary>
    public string Owner { get; } = owner;
    public StreamableHttpServerTransport Transport { get; } = transport;
    public McpServer Server { get; } = server;
    public Task RunTask { get; private set; } = Task.CompletedTask;
    public CancellationToken Closed => _closed.Token;
    public DateTimeOffset LastUsed { get; private set; } = clock.GetUtcNow();

    public void Start() => RunTask = Server.RunAsync(_closed.Token);

    public void Touch() => LastUsed = clock.GetUtcNow();

    /// <summary>One GET stream per session (server-initiated messages have one place to go).</summary>
    public bool TryStartGet() => Interlocked.CompareExchange(ref _getStreams, 1, 0) == 0;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _closed.CancelAsync();
        await Transport.DisposeAsync();
        try { await RunTask; }
        catch (OperationCanceledException) { }
        await Server.DisposeAsync();
        _closed.Dispose();
    }
}

/// <summary>
/// The MCP sessions of this replica, in memory (several replicas need sticky routing on <c>Mcp-Session-Id</c>; clients
/// of the 2026-07-28 revision need none, it has no sessions). Idle sessions are closed by a sweep; at the session cap the
/// least recently used one is closed to make room.
/// </summary>
public sealed class McpSessions(IOptions<McpOptions> options, TimeProvider clock, ILogger<McpSessions> log) : BackgroundService
{
    readonly ConcurrentDictionary<string, McpHttpSession> _sessions = new(StringComparer.Ordinal);

    public int Count => _sessions.Count;

    public static string NewId()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return WebEncoders.Base64UrlEncode(bytes);
    }

    public bool TryGet(string id, out McpHttpSession session) => _sessions.TryGetValue(id, out session!);

    public async Task AddAsync(McpHttpSession session)
    {
        while (_sessions.Count >= options.Value.MaxSessions
               && _sessions.Values.OrderBy(s => s.LastUsed).FirstOrDefault() is { } oldest)
            await RemoveAsync(oldest.Id, "capacity");
        _sessions[session.Id] = session;
    }

    public async Task<bool> RemoveAsync(string id, string reason)
    {
        if (!_sessions.TryRemove(id, out var session)) return false;
        log.LogInformation("MCP session {SessionId} closed ({Reason})", id, reason);
        await session.DisposeAsync();
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromTicks(Math.Clamp(options.Value.IdleTimeout.Ticks / 4, TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromMinutes(1).Ticks));
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(interval, clock, stoppingToken);
                var cutoff = clock.GetUtcNow() - options.Value.IdleTimeout;
                foreach (var s in _sessions.Values.Where(s => s.LastUsed < cutoff).ToArray()) await RemoveAsync(s.Id, "idle");
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var id in _sessions.Keys.ToArray()) await RemoveAsync(id, "shutdown");
        }
    }
}
