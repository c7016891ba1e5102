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
        builder.Services.Configure<JsonOptions>(o => ConfigureJson(o.SerializerOptions, strict: true));
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = config.GetValue("Cmp:MaxRequestBodyBytes", DefaultMaxRequestBodyBytes);
        });
        return builder;
    }

    /// <summary>
    /// The JSON conventions of every CMP API: snake_case names, enums as strings, no nulls written. Servers read
    /// strictly (<paramref name="strict"/>): a missing required field, a null where the type says non-null, or a field
    /// we do not know (a typo) is a 400 naming the field. Clients read leniently, so a service can add or omit
    /// optional response fields without breaking its callers.
    /// </summary>
    public static JsonSerializerOptions ConfigureJson(JsonSerializerOptions o, bool strict)
    {
        o.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        o.DictionaryKeyPolicy = null;
        o.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        o.Converters.Add(new JsonStringEnumConverter());
        o.RespectNullableAnnotations = strict;
        o.RespectRequiredConstructorParameters = strict;
        o.UnmappedMemberHandling = strict ? JsonUnmappedMemberHandling.Disallow : JsonUnmappedMemberHandling.Skip;
        return o;
    }

    /// <summary>The API JSON options for clients that talk to CMP services (lenient reading).</summary>
    public static readonly JsonSerializerOptions Json = ConfigureJson(new JsonSerializerOptions(JsonSerializerDefaults.Web), strict: false);

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
