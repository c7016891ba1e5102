using Cmp.Kubernetes.Client;
using Cmp.Kubernetes.Model;
using Cmp.Kubernetes.Operator;
using Cmp.Kubernetes.Resources;
using Cmp.Simulators.KubeApi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cmp.Kubernetes.Tests.Operator.Example;

/// <summary>
/// One operator process, hosted the way the control plane hosts it (generic host + <c>AddCmpOperator</c>), talking
/// to the fake API server over HTTP. <see cref="Crash"/> makes every further API call fail and stops the host
/// without letting it release anything — what a killed pod looks like to the rest of the cluster.
/// </summary>
public sealed class OperatorReplica : IAsyncDisposable
{
    readonly IHost _host;
    readonly KillSwitch _switch;

    OperatorReplica(string name, IHost host, KillSwitch killSwitch)
    {
        Name = name;
        _host = host;
        _switch = killSwitch;
    }

    public string Name { get; }
    public OperatorStatus Status => _host.Services.GetRequiredService<OperatorStatus>();
    public IServiceProvider Services => _host.Services;
    public long Reconciles => Status.Controllers.Sum(c => c.Reconciles);

    public static readonly Dictionary<string, string?> FastSettings = new()
    {
        ["Operator:Namespace"] = "",
        ["Operator:RetryBaseDelay"] = "00:00:00.050",
        ["Operator:RetryMaxDelay"] = "00:00:01",
        ["Operator:ShutdownGrace"] = "00:00:05",
        ["Operator:LeaderElection:LeaseName"] = "cmp-operator",
        ["Operator:LeaderElection:LeaseDuration"] = "00:00:02",
        ["Operator:LeaderElection:RenewDeadline"] = "00:00:01.500",
        ["Operator:LeaderElection:RetryPeriod"] = "00:00:00.250",
    };

    public static async Task<OperatorReplica> StartAsync(KubeApiServer api, string name, FakeCatalog catalog,
        IDictionary<string, string?>? settings = null, Action<OperatorBuilder>? register = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddFilter(_ => false);
        var config = new Dictionary<string, string?>(FastSettings) { ["Operator:LeaderElection:Identity"] = name };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) config[k] = v;
        builder.Configuration.AddInMemoryCollection(config);
        var killSwitch = new KillSwitch { InnerHandler = new SocketsHttpHandler() };
        builder.Services.AddSingleton<IKubeClient>(KubeFake.Client(api, "cmp", new KubeClientSettings { RetryBaseDelay = TimeSpan.FromMilliseconds(20), UserAgent = name }, killSwitch));
        builder.Services.AddSingleton(catalog);
        builder.Services.AddSingleton(new ReplicaTag(name));
        var op = builder.Services.AddCmpOperator(builder.Configuration);
        if (register is null) op.AddReconciler<AgentOffering, ExampleOfferingReconciler>(c => c.Owns<ConfigMap>());
        else register(op);
        var host = builder.Build();
        await host.StartAsync();
        return new OperatorReplica(name, host, killSwitch);
    }

    /// <summary>Graceful stop: SIGTERM in a pod.</summary>
    public Task StopAsync() => _host.StopAsync(TimeSpan.FromSeconds(30));

    /// <summary>A crash: no more API calls get through, nothing is released.</summary>
    public async Task CrashAsync()
    {
        _switch.Killed = true;
        await _host.StopAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>A network partition: the process keeps running but cannot reach the API server.</summary>
    public void Partition(bool cut) => _switch.Killed = cut;

    public async ValueTask DisposeAsync()
    {
        try { await _host.StopAsync(TimeSpan.FromSeconds(10)); } catch (OperationCanceledException) { }
        _host.Dispose();
    }

    sealed class KillSwitch : DelegatingHandler
    {
        public volatile bool Killed;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            if (Killed) throw new HttpRequestException("connection refused (replica partitioned)");
            var response = await base.SendAsync(request, ct);
            // Open watch streams must go quiet too, as they would behind a real partition.
            var inner = await response.Content.ReadAsStreamAsync(ct);
            var content = new StreamContent(new Severable(inner, this));
            foreach (var h in response.Content.Headers) content.Headers.TryAddWithoutValidation(h.Key, h.Value);
            response.Content = content;
            return response;
        }
    }

    sealed class Severable(Stream inner, KillSwitch owner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => owner.Killed ? throw new IOException("partitioned") : inner.Read(buffer, offset, count);

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            if (owner.Killed) throw new IOException("partitioned");
            var n = await inner.ReadAsync(buffer, ct);
            return owner.Killed ? throw new IOException("partitioned") : n;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
