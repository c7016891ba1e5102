using Cmp.Gateway.Features.Acp;
using Cmp.Gateway.Features.Acp.Protocol;
using Cmp.Gateway.Features.Feed;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Cmp.Gateway.Apis;

/// <summary>
/// Product feeds for agent platforms, generated from the Saleor catalog (acp.md §13): the ACP feed (one
/// <c>Product</c> per line, plus its <c>FeedMetadata</c>) and OpenAI's flat product feed as JSON Lines. Authenticated
/// like ACP (a platform's API key, or a signed-in user); cached, with a strong ETag (<c>If-None-Match</c> → 304).
/// </summary>
public static class FeedApi
{
    public static IEndpointRouteBuilder MapFeedApi(this IEndpointRouteBuilder app, AcpOptions options)
    {
        var feed = app.MapGroup(options.BasePath + "/feed").AllowAnonymous().WithTags("Product feed")
            .AddEndpointFilter(new AcpEndpointFilter(AcpSurface.Feed));
        feed.MapGet("/metadata.json", Metadata).WithName("FeedMetadata");
        feed.MapGet("/products.jsonl", (HttpContext http, FeedService feeds, IOptions<FeedOptions> o, CancellationToken ct) =>
            Serve(http, feeds, o.Value, FeedFormat.Acp, ct)).WithName("AcpProductFeed");
        feed.MapGet("/openai.jsonl", (HttpContext http, FeedService feeds, IOptions<FeedOptions> o, CancellationToken ct) =>
            Serve(http, feeds, o.Value, FeedFormat.OpenAi, ct)).WithName("OpenAiProductFeed");
        return app;
    }

    sealed record FeedMetadataDto(string Id, string TargetCountry, string UpdatedAt);

    static async Task<IResult> Metadata(FeedService feeds, IOptions<FeedOptions> o, CancellationToken ct)
    {
        var built = await feeds.GetAsync(FeedFormat.Acp, ct);
        if (!built.TryGetValue(out var file, out var error)) return error.ToAcp().ToResponse();
        return AcpResponse.Json(200, new FeedMetadataDto(o.Value.Id, o.Value.TargetCountry,
            file.GeneratedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)), AcpJson.Write);
    }

    static async Task<IResult> Serve(HttpContext http, FeedService feeds, FeedOptions o, FeedFormat format, CancellationToken ct)
    {
        var built = await feeds.GetAsync(format, ct);
        if (!built.TryGetValue(out var file, out var error)) return error.ToAcp().ToResponse();
        var headers = http.Response.GetTypedHeaders();
        headers.ETag = EntityTagHeaderValue.Parse(file.ETag);
        headers.LastModified = file.GeneratedAt;
        headers.CacheControl = new CacheControlHeaderValue { Private = true, MaxAge = o.CacheFor };
        var match = http.Request.GetTypedHeaders().IfNoneMatch;
        if (match.Any(m => m.Tag == file.ETag || m.Equals(EntityTagHeaderValue.Any))) return Results.StatusCode(StatusCodes.Status304NotModified);
        // Opened before it can be replaced: a rebuild deletes the path, this handle keeps the bytes.
        var stream = new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, useAsync: true);
        return Results.Stream(stream, "application/jsonl; charset=utf-8");
    }
}
