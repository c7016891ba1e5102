using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Cmp.Hosting.Health;

/// <summary>Readiness of an HTTP dependency: a GET on its health path answers 2xx within the check's timeout.</summary>
public sealed class HttpDependencyCheck(IHttpClientFactory clients, string clientName, string path) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            using var response = await clients.CreateClient(clientName).GetAsync(new Uri(path, UriKind.Relative), ct);
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy()
                : new HealthCheckResult(context.Registration.FailureStatus, $"{clientName} answered {(int)response.StatusCode} on {path}");
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The registration decides how bad this is (Degraded for dependencies a service can work without).
            return new HealthCheckResult(context.Registration.FailureStatus, $"{clientName} is unreachable: {e.GetType().Name}");
        }
    }
}

public static class HttpDependencyCheckExtensions
{
    /// <summary>Adds a readiness check that calls <paramref name="path"/> through the named (resilient) client.
    /// <paramref name="failureStatus"/> Degraded reports a dependency's outage without taking this service out of
    /// rotation (for services that must keep accepting work they can store and finish later).</summary>
    public static IHealthChecksBuilder AddHttpDependency(this IHealthChecksBuilder builder, string clientName, string path,
        HealthStatus failureStatus = HealthStatus.Unhealthy) =>
        builder.Add(new HealthCheckRegistration(
            clientName,
            sp => new HttpDependencyCheck(sp.GetRequiredService<IHttpClientFactory>(), clientName, path),
            failureStatus,
            [HealthEndpoints.ReadyTag],
            TimeSpan.FromSeconds(5)));
}
