using System.Net;
using System.Security.Cryptography.X509Certificates;
using Cmp.Simulators.KubeApi.Http;
using Cmp.Simulators.KubeApi.Semantics;
using Cmp.Simulators.KubeApi.Storage;
using Cmp.Simulators.KubeApi.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cmp.Simulators.KubeApi;

/// <summary>
/// A fake Kubernetes API server on loopback (HTTP or HTTPS), serving built-in kinds and the given CRDs with the
/// semantics documented in README.md. Test equipment: it lets the real client and operator run unchanged.
/// </summary>
public sealed class KubeApiServer : IAsyncDisposable
{
    readonly WebApplication _app;

    KubeApiServer(WebApplication app, ObjectStore store, TestCertificates? certificates, KubeApiServerOptions options)
    {
        _app = app;
        Store = store;
        Certificates = certificates;
        Options = options;
    }

    public ObjectStore Store { get; }
    public KubeApiServerOptions Options { get; }

    /// <summary>The generated cluster CA and certificates when <see cref="KubeApiServerOptions.Tls"/> is on.</summary>
    public TestCertificates? Certificates { get; }

    public FaultInjector Faults { get; } = new();
    public RequestLog Requests { get; } = new();

    public Uri Url => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
        .Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal));

    public static async Task<KubeApiServer> StartAsync(KubeApiServerOptions? options = null)
    {
        options ??= new KubeApiServerOptions();
        var registry = new ResourceRegistry();
        registry.AddCrds(options.Crds);
        var store = new ObjectStore(registry, options.Clock, options.HistoryLimit);
        var certificates = options.Tls ? new TestCertificates() : null;

        var builder = WebApplication.CreateSlimBuilder();
        if (options.Quiet) builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, options.Port, listen =>
        {
            if (certificates is null) return;
            listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificate = certificates.Server,
                ClientCertificateMode = ClientCertificateMode.AllowCertificate,
                ClientCertificateValidation = (_, _, _) => true,   // checked against the cluster CA per request below
            });
        }));
        var app = builder.Build();
        var server = new KubeApiServer(app, store, certificates, options);
        var api = new ApiHandler(store, options);
        app.MapGet("/healthz", () => "ok");
        app.MapGet("/readyz", () => "ok");
        app.MapGet("/version", () => Results.Json(new { major = "1", minor = "34", gitVersion = "v1.34.0-cmp-fake" }));
        SimApi.Map(app, server);
        app.Map("/{**path}", ctx => server.ServeAsync(ctx, api));
        await app.StartAsync();
        return server;
    }

    async Task ServeAsync(HttpContext ctx, ApiHandler api)
    {
        var pathAndQuery = ctx.Request.Path + ctx.Request.QueryString;
        try
        {
            if (!Authenticated(ctx)) throw ApiException.Unauthorized();
            if (Faults.Take(ctx.Request.Method, pathAndQuery) is { } status)
            {
                if (status == 0)
                {
                    ctx.Abort();
                    return;
                }
                var reason = status switch { 429 => "TooManyRequests", 409 => "Conflict", 504 => "Timeout", _ => "InternalError" };
                if (status == 429) ctx.Response.Headers.RetryAfter = "0";
                throw new ApiException(status, reason, $"injected fault ({status})");
            }
            await api.HandleAsync(ctx);
        }
        catch (ApiException e)
        {
            if (!ctx.Response.HasStarted) await ApiHandler.WriteAsync(ctx, e.Code, e.ToStatus());
        }
        finally
        {
            Requests.Add(new RecordedRequest(ctx.Request.Method, pathAndQuery, ctx.Request.ContentType, ctx.Response.StatusCode, ctx.Request.Headers.UserAgent.ToString()));
        }
    }

    bool Authenticated(HttpContext ctx)
    {
        if (Options.Token is null) return true;
        if (ctx.Request.Headers.Authorization.ToString() == $"Bearer {Options.Token}") return true;
        return Certificates is not null && ctx.Connection.ClientCertificate is X509Certificate2 cert && Certificates.IsSignedByCa(cert);
    }

    /// <summary>A kubeconfig pointing at this server, authenticating with the token (or a client certificate when given).</summary>
    public string Kubeconfig(string? token = null, (string CertPem, string KeyPem)? clientCertificate = null, string ns = "default")
    {
        static string B64(string s) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(s));
        var cluster = Certificates is null
            ? $"    server: {Url.ToString().TrimEnd('/')}"
            : $"    server: {Url.ToString().TrimEnd('/')}\n    certificate-authority-data: {B64(Certificates.CaPem)}";
        var user = clientCertificate is { } c
            ? $"    client-certificate-data: {B64(c.CertPem)}\n    client-key-data: {B64(c.KeyPem)}"
            : $"    token: {token ?? Options.Token ?? "none"}";
        return $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
            {cluster}
            users:
            - name: fake-user
              user:
            {user}
            contexts:
            - name: fake
              context:
                cluster: fake
                user: fake-user
                namespace: {ns}
            current-context: fake
            """;
    }

    public Task WaitForShutdownAsync(CancellationToken ct) => _app.WaitForShutdownAsync(ct);

    public async ValueTask DisposeAsync()
    {
        Store.CloseWatches();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Certificates?.Dispose();
    }
}
