using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Cmp.Hosting.Telemetry;

/// <summary>
/// Traces and metrics over OTLP, off unless an endpoint is configured (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or
/// <c>OpenTelemetry:Endpoint</c>). The instrumentation packages are not available here, so we listen to the
/// ActivitySources and Meters that ASP.NET Core and HttpClient already emit, plus our own "Cmp.*".
/// </summary>
public static class TelemetryExtensions
{
    public static readonly string[] Sources = ["Microsoft.AspNetCore", "System.Net.Http", "Npgsql", "Cmp.*"];
    public static readonly string[] Meters =
        ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http", "Npgsql", "Cmp.*"];

    public static IServiceCollection AddCmpTelemetry(this IServiceCollection services, IConfiguration config, string serviceName)
    {
        var endpoint = config["OpenTelemetry:Endpoint"] ?? config["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (string.IsNullOrWhiteSpace(endpoint)) return services;

        var resource = ResourceBuilder.CreateDefault().AddService(serviceName);
        void Exporter(OtlpExporterOptions o) => o.Endpoint = new Uri(endpoint);

        var tracer = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource(Sources)
            .AddOtlpExporter(Exporter)
            .Build();
        var meter = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter(Meters)
            .AddOtlpExporter(Exporter)
            .Build();
        // Registered as singletons so the container disposes (and flushes) them at shutdown.
        services.AddSingleton(tracer);
        services.AddSingleton(meter);
        return services;
    }
}
