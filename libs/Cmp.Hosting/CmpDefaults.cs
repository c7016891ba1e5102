using System.Text.Json;
using System.Text.Json.Serialization;
using Cmp.Hosting.Auth;
using Cmp.Hosting.Health;
using Cmp.Hosting.Http;
using Cmp.Hosting.Logging;
using Cmp.Hosting.Problems;
using Cmp.Hosting.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cmp.Hosting;

/// <summary>
/// What every CMP service gets (eShop's ServiceDefaults, in one place): JSON logs with redaction, OpenTelemetry
/// (off unless configured), problem+json for every error, health endpoints, an OpenAPI document, snake_case JSON,
/// correlation ids and request size limits. Authentication is added by the service (it knows its policies).
/// </summary>
public static class CmpDefaults
{
    /// <summary>Default request body limit; endpoints that need more raise it explicitly.</summary>
    public const long DefaultMaxRequestBodyBytes = 1024 * 1024;

    public static WebApplicationBuilder AddCmpDefaults(this WebApplicationBuilder builder, string serviceName)
    {
        var config = builder.Configuration;
        builder.Logging.AddCmpJsonConsole();
        builder.Services.AddCmpTelemetry(config, serviceName);
        builder.Services.AddCmpProblemDetails();
        builder.Services.AddHealthChecks();
        builder.Services.AddOpenApi();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.Configure<JsonOptions>(o =>
        {
            ConfigureJson(o.SerializerOptions);
            // Requests with a field we do not know are refused (a typo would otherwise be silently ignored);
            // clients (CmpDefaults.Json) stay lenient so services can add response fields without breaking callers.
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        });
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = config.GetValue("Cmp:MaxRequestBodyBytes", DefaultMaxRequestBodyBytes);
        });
        return builder;
    }

    /// <summary>The JSON conventions of every CMP API: snake_case names, enums as strings, no nulls written, required
    /// and non-nullable members enforced.</summary>
    public static JsonSerializerOptions ConfigureJson(JsonSerializerOptions o)
    {
        o.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        o.DictionaryKeyPolicy = null;
        o.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        o.Converters.Add(new JsonStringEnumConverter());
        // A missing required field or a null where the type says non-null is a 400 with the field's name,
        // not a half-filled object that fails later.
        o.RespectNullableAnnotations = true;
        o.RespectRequiredConstructorParameters = true;
        return o;
    }

    /// <summary>A standalone copy of the API JSON options, for clients that talk to CMP services.</summary>
    public static readonly JsonSerializerOptions Json = ConfigureJson(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static WebApplication UseCmpDefaults(this WebApplication app)
    {
        app.UseCmpProblemDetails();
        app.UseCmpCorrelationId();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapCmpHealth();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapWhoAmIApi();
        return app;
    }
}
