namespace Cmp.Gateway.Auth.Widget;

/// <summary>
/// CORS for widget pages, which is narrower than a policy can express: the allowed origin is the one inside each
/// request's widget token. A preflight carries no token, so it is answered for any origin on the run routes only
/// (it grants nothing by itself); the real response carries <c>Access-Control-Allow-Origin</c> only when the request
/// was authenticated by a widget token bound to exactly that origin. Every other caller (API keys, Keycloak tokens,
/// other routes) gets no CORS headers at all, so browsers cannot use them cross-origin.
/// </summary>
public static class WidgetCors
{
    static readonly string[] WidgetPaths = ["/v1/runs"];
    const string AllowHeaders = "Authorization, Content-Type, Accept, X-Correlation-Id, Idempotency-Key";
    const string ExposeHeaders = "X-Run-Id, X-Correlation-Id, Retry-After, Location";

    public static IApplicationBuilder UseWidgetCors(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0 || !IsWidgetPath(request.Path))
        {
            await next(context);
            return;
        }
        var headers = context.Response.Headers;
        headers.Vary = "Origin";
        if (HttpMethods.IsOptions(request.Method) && request.Headers.AccessControlRequestMethod.Count > 0)
        {
            var method = request.Headers.AccessControlRequestMethod.ToString();
            context.Response.StatusCode = method is "GET" or "POST" ? StatusCodes.Status204NoContent : StatusCodes.Status405MethodNotAllowed;
            if (context.Response.StatusCode == StatusCodes.Status204NoContent)
            {
                headers.AccessControlAllowOrigin = origin;
                headers.AccessControlAllowMethods = "GET, POST";
                headers.AccessControlAllowHeaders = AllowHeaders;
                headers.AccessControlMaxAge = "600";
            }
            return;
        }
        context.Response.OnStarting(() =>
        {
            var user = context.User;
            if (user.FindFirst(GatewayClaims.CallerKind)?.Value == GatewayClaims.WidgetCaller
                && user.FindFirst(GatewayClaims.Origin)?.Value is { } bound
                && string.Equals(WidgetOrigin.Of(request), bound, StringComparison.Ordinal))
            {
                headers.AccessControlAllowOrigin = origin;
                headers.AccessControlExposeHeaders = ExposeHeaders;
            }
            return Task.CompletedTask;
        });
        await next(context);
    });

    static bool IsWidgetPath(PathString path)
    {
        foreach (var p in WidgetPaths)
            if (path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }
}
