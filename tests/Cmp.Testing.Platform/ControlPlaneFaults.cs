using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Cmp.Testing.Platform;

/// <summary>
/// Test-only fault injection in front of the control plane (installed through
/// <see cref="PlatformOptions.ConfigureControlPlane"/>): answer 503 to everything, or hold credit grants until the test
/// releases them. A held request whose caller hangs up is dropped without reaching the control plane's handler.
/// </summary>
public sealed class ControlPlaneFaults
{
    volatile bool _unavailable;
    volatile SemaphoreSlim? _grants;

    public bool Unavailable { get => _unavailable; set => _unavailable = value; }

    /// <summary>From now on credit grants wait until <see cref="ReleaseGrants"/>.</summary>
    public void HoldGrants() => _grants = new SemaphoreSlim(0);

    public void ReleaseGrants()
    {
        var gate = _grants;
        _grants = null;
        gate?.Release(1000);
    }

    int _held;

    /// <summary>How many grant requests have been held so far.</summary>
    public int HeldGrants => Volatile.Read(ref _held);

    public void Install(IWebHostBuilder builder) =>
        builder.ConfigureServices(s => s.AddSingleton<IStartupFilter>(new Filter(this)));

    sealed class Filter(ControlPlaneFaults faults) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, proceed) =>
            {
                if (faults.Unavailable && context.Request.Path.StartsWithSegments("/v1"))
                {
                    context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                    return;
                }
                if (faults._grants is { } gate && context.Request.Path.Value?.EndsWith("/credits/grants", StringComparison.Ordinal) == true)
                {
                    Interlocked.Increment(ref faults._held);
                    try { await gate.WaitAsync(context.RequestAborted); }
                    catch (OperationCanceledException) { return; }   // the caller is gone: never apply it
                }
                await proceed(context);
            });
            next(app);
        };
    }
}
