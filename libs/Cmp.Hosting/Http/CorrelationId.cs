using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cmp.Hosting.Http;

/// <summary>
/// A request's correlation id: taken from the incoming <c>X-Correlation-Id</c> (or generated from the trace id),
/// echoed on the response, put in the logging scope, and forwarded on every outbound call by
/// <see cref="CorrelationIdHandler"/>, so one purchase or run can be followed across services.
/// </summary>
public static class CorrelationId
{
    public const string Header = "X-Correlation-Id";
    static readonly AsyncLocal<string?> Value = new();

    public static string? Current => Value.Value;

    public static IDisposable Begin(string id)
    {
        var previous = Value.Value;
        Value.Value = id;
        return new Restore(previous);
    }

    sealed class Restore(string? previous) : IDisposable
    {
        public void Dispose() => Value.Value = previous;
    }

    public static IApplicationBuilder UseCmpCorrelationId(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var incoming = context.Request.Headers[Header].ToString();
            var id = IsAcceptable(incoming) ? incoming : Activity.Current?.TraceId.ToString() ?? Guid.NewGuid().ToString("N");
            context.Response.Headers[Header] = id;
            var logger = context.RequestServices.GetService(typeof(ILogger<CorrelationIdHandler>)) as ILogger;
            using var scope = logger?.BeginScope(new Dictionary<string, object?> { ["correlationId"] = id });
            using var _ = Begin(id);
            await next(context);
        });

    /// <summary>Only short, printable ids are echoed (a header is not a place for arbitrary input).</summary>
    static bool IsAcceptable(string id) =>
        id.Length is > 0 and <= 128 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');
}

/// <summary>Adds the current correlation id to outbound requests.</summary>
public sealed class CorrelationIdHandler : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (CorrelationId.Current is { } id && !request.Headers.Contains(CorrelationId.Header))
            request.Headers.TryAddWithoutValidation(CorrelationId.Header, id);
        return base.SendAsync(request, ct);
    }
}
