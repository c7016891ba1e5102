using System.Text;
using System.Text.Json.Nodes;
using Cmp.Simulators.KubeApi.Semantics;
using Cmp.Simulators.KubeApi.Storage;
using Microsoft.AspNetCore.Http;

namespace Cmp.Simulators.KubeApi.Http;

/// <summary>Parses Kubernetes REST paths (<c>/api/v1/…</c>, <c>/apis/group/version/…</c>) and serves them from the store.</summary>
public sealed class ApiHandler(ObjectStore store, KubeApiServerOptions options)
{
    sealed record Target(ResourceDefinition Definition, string? Namespace, string? Name, string? Subresource);

    public async Task HandleAsync(HttpContext ctx)
    {
        var request = ctx.Request;
        if (request.Method == "GET" && Discovery.Answer(request.Path.Value ?? "/", store.Registry) is { } discovery)
        {
            await WriteAsync(ctx, 200, discovery);
            return;
        }
        var target = Resolve(request.Path.Value ?? "/");
        var method = request.Method;
        if (target is null)
        {
            await WriteAsync(ctx, 404, new ApiException(404, "NotFound", "the server could not find the requested resource").ToStatus());
            return;
        }
        var (d, ns, name, sub) = target;
        var q = request.Query;
        switch (method)
        {
            case "GET" when name is null && IsTrue(q["watch"]):
                await WatchAsync(ctx, d, ns);
                return;
            case "GET" when name is null:
                var list = store.List(d, ns, q["labelSelector"], q["fieldSelector"], Int(q["limit"]), q["continue"]);
                await WriteAsync(ctx, 200, Tables.Wanted(request.Headers.Accept)
                    ? Tables.From(d, list["items"]!.AsArray().Select(i => i!.AsObject()), list["metadata"]!["resourceVersion"]!.GetValue<string>(), options.Clock.GetUtcNow())
                    : list);
                return;
            case "GET" when sub is null or "status":
                var one = store.Get(d, ns, name!);
                await WriteAsync(ctx, 200, Tables.Wanted(request.Headers.Accept) ? Tables.From(d, [one], null, options.Clock.GetUtcNow()) : one);
                return;
            case "POST" when name is null:
                RequireNamespace(d, ns);
                await WriteAsync(ctx, 201, store.Create(d, ns, await BodyAsync(request)));
                return;
            case "PUT" when name is not null && sub is null or "status":
                await WriteAsync(ctx, 200, store.Replace(d, ns, name!, await BodyAsync(request), sub == "status"));
                return;
            case "PATCH" when name is not null && sub is null or "status":
                var (obj, created) = store.Patch(d, ns, name!, request.ContentType ?? "", await TextAsync(request), sub == "status", q["fieldManager"]);
                await WriteAsync(ctx, created ? 201 : 200, obj);
                return;
            case "DELETE" when name is not null && sub is null:
                var text = await TextAsync(request);
                await WriteAsync(ctx, 200, store.Delete(d, ns, name!, text.Length > 0 ? JsonNode.Parse(text) as JsonObject : null));
                return;
            default:
                throw ApiException.MethodNotAllowed($"the server does not allow this method on the requested resource ({method} {request.Path})");
        }
    }


    async Task WatchAsync(HttpContext ctx, ResourceDefinition d, string? ns)
    {
        var q = ctx.Request.Query;
        var watcher = store.Watch(d, ns, q["resourceVersion"], q["labelSelector"], q["fieldSelector"]);
        var timeout = Int(q["timeoutSeconds"]) is { } s ? TimeSpan.FromSeconds(s) : TimeSpan.FromMinutes(30);
        using var ends = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted);
        ends.CancelAfter(timeout);
        using var bookmarks = IsTrue(q["allowWatchBookmarks"])
            ? new Timer(_ => store.Bookmark(watcher), null, options.BookmarkInterval, options.BookmarkInterval)
            : null;
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.StartAsync(ends.Token);
        try
        {
            await foreach (var e in watcher.Events.ReadAllAsync(ends.Token))
            {
                await ctx.Response.WriteAsync(e.ToJsonString() + "\n", Encoding.UTF8, ends.Token);
                await ctx.Response.Body.FlushAsync(ends.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // timeoutSeconds elapsed or the client went away: the stream just ends
        }
        finally
        {
            store.StopWatching(watcher);
        }
    }

    Target? Resolve(string path)
    {
        var s = path.Trim('/').Split('/');
        int rest;
        string group, version;
        if (s.Length >= 2 && s[0] == "api") { group = ""; version = s[1]; rest = 2; }
        else if (s.Length >= 3 && s[0] == "apis") { group = s[1]; version = s[2]; rest = 3; }
        else return null;
        var r = s[rest..];
        string? ns = null;
        if (r.Length >= 3 && r[0] == "namespaces") { ns = r[1]; r = r[2..]; }
        else if (r.Length is 1 or 2 && r[0] == "namespaces" && group.Length == 0)
        {
            var nsDef = store.Registry.Find("", version, "namespaces");
            return nsDef is null ? null : new Target(nsDef, null, r.Length == 2 ? r[1] : null, null);
        }
        if (r.Length is < 1 or > 3) return null;
        var d = store.Registry.Find(group, version, r[0]);
        if (d is null || ns is not null && !d.Namespaced) return null;
        return new Target(d, ns, r.Length > 1 ? r[1] : null, r.Length > 2 ? r[2] : null);
    }

    static void RequireNamespace(ResourceDefinition d, string? ns)
    {
        if (d.Namespaced && string.IsNullOrEmpty(ns)) throw new ApiException(404, "NotFound", "the server could not find the requested resource");
    }

    static async Task<JsonObject> BodyAsync(HttpRequest request)
    {
        var text = await TextAsync(request);
        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw ApiException.BadRequest("the body must be a JSON object");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw ApiException.BadRequest($"the body is not valid JSON: {e.Message}");
        }
    }

    static async Task<string> TextAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    public static async Task WriteAsync(HttpContext ctx, int status, JsonObject body)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(body.ToJsonString(), Encoding.UTF8);
    }

    static bool IsTrue(string? v) => v is "true" or "1";

    static int? Int(string? v) => int.TryParse(v, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i) ? i : null;
}
