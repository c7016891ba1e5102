using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;

namespace Cmp.Bench.AgentCommerce;

/// <summary>What one gateway request cost: its time inside the gateway, and the Saleor calls made on its behalf.</summary>
sealed record RequestCost(string Method, string Path, double ServerMs, double SaleorMs, int SaleorCalls);

/// <summary>
/// Bench-only instrumentation of the in-process gateway: a handler closest to the wire on the "saleor" HttpClient
/// (so the time is the simulator's answer on loopback, not the retry pipeline around it) adds each call's duration to
/// the current request's tally, which a first middleware opens and records when the request ends. Background work
/// (order events, the order watcher) has no tally and is not counted.
/// </summary>
static class SaleorTiming
{
    static readonly AsyncLocal<Tally?> Current = new();
    public static readonly ConcurrentQueue<RequestCost> Requests = new();

    sealed class Tally
    {
        public long Ticks;
        public int Calls;
    }

    public static void Install(IWebHostBuilder builder) => builder.ConfigureServices(services =>
    {
        services.Configure<HttpClientFactoryOptions>(Cmp.Saleor.SaleorRegistration.HttpClientName,
            o => o.HttpMessageHandlerBuilderActions.Add(b => b.AdditionalHandlers.Add(new Handler())));
        services.AddSingleton<IStartupFilter, Filter>();
    });

    /// <summary>Everything recorded since the last call.</summary>
    public static List<RequestCost> Drain()
    {
        var list = new List<RequestCost>();
        while (Requests.TryDequeue(out var r)) list.Add(r);
        return list;
    }

    /// <summary>
    /// The cost of the request to <paramref name="path"/>. The middleware records it after the response has been
    /// written, so the client can see the answer before the record exists: wait for it (briefly) instead of racing.
    /// </summary>
    public static async Task<RequestCost> WaitForAsync(string path, string method = "POST")
    {
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 5;
        while (true)
        {
            if (Requests.FirstOrDefault(r => r.Path == path && r.Method == method) is { } found)
            {
                Drain();
                return found;
            }
            if (Stopwatch.GetTimestamp() > deadline) throw new InvalidOperationException($"no cost recorded for {path}");
            await Task.Delay(1);
        }
    }

    sealed class Handler : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                var response = await base.SendAsync(request, ct);
                // The body is buffered by the client above; count the read here so the whole answer is Saleor's time.
                await response.Content.LoadIntoBufferAsync(ct);
                return response;
            }
            finally
            {
                if (Current.Value is { } tally)
                {
                    Interlocked.Add(ref tally.Ticks, Stopwatch.GetTimestamp() - start);
                    Interlocked.Increment(ref tally.Calls);
                }
            }
        }
    }

    sealed class Filter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (HttpContext ctx, RequestDelegate n) =>
            {
                var tally = new Tally();
                Current.Value = tally;
                var start = Stopwatch.GetTimestamp();
                await n(ctx);
                Requests.Enqueue(new RequestCost(ctx.Request.Method, ctx.Request.Path, Stopwatch.GetElapsedTime(start).TotalMilliseconds,
                    tally.Ticks * 1000.0 / Stopwatch.Frequency, tally.Calls));
            });
            next(app);
        };
    }
}
