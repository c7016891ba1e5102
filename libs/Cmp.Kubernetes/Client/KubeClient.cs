using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cmp.Kubernetes.Model;
using Cmp.Primitives;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Cmp.Kubernetes.Client;

/// <summary>
/// <see cref="IKubeClient"/> over an <see cref="HttpClient"/> whose handler already carries the server address,
/// TLS trust and credentials (see <see cref="Config.KubeConnection"/>). Reads (GET, LIST) go through a Polly
/// pipeline that retries 429/5xx/network failures with jittered backoff and honours Retry-After; writes are sent
/// once (a reconciler re-reads and retries on its own terms). Every request has a timeout; watches have an idle
/// timeout instead.
/// </summary>
public sealed class KubeClient : IKubeClient
{
    const string ApplyPatchContentType = "application/apply-patch+yaml";

    readonly HttpClient _http;
    readonly KubeClientSettings _settings;
    readonly ILogger _log;
    readonly ResiliencePipeline<RawResponse> _reads;
    readonly ResiliencePipeline<RawResponse> _writes;

    public KubeClient(HttpClient http, string defaultNamespace, KubeClientSettings? settings = null, ILogger<KubeClient>? log = null)
    {
        _http = http;
        _http.Timeout = Timeout.InfiniteTimeSpan;   // per-request timeouts below; watches stream for minutes
        DefaultNamespace = defaultNamespace;
        _settings = settings ?? new KubeClientSettings();
        if (!_http.DefaultRequestHeaders.UserAgent.Any()) _http.DefaultRequestHeaders.UserAgent.ParseAdd(_settings.UserAgent);
        _log = log ?? NullLogger<KubeClient>.Instance;
        _reads = BuildPipeline(_settings, retry: true);
        _writes = BuildPipeline(_settings, retry: false);
    }

    public string DefaultNamespace { get; }

    public Task<Result<T>> GetAsync<T>(string name, string? ns = null, CancellationToken ct = default) where T : KubeObject, IKubeResource =>
        SendAsync<T>(HttpMethod.Get, T.Resource.ItemPath(Ns<T>(ns), name), null, $"get {Describe<T>(ns, name)}", ct);

    public async Task<Result<KubeList<T>>> ListAsync<T>(string? ns = null, ListOptions? options = null, CancellationToken ct = default)
        where T : KubeObject, IKubeResource
    {
        options ??= new ListOptions();
        var all = new KubeList<T> { ApiVersion = T.Resource.ApiVersion, Kind = T.Resource.Kind + "List" };
        string? next = null;
        do
        {
            var query = Query(("labelSelector", options.LabelSelector), ("fieldSelector", options.FieldSelector),
                ("limit", options.Limit?.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("continue", next),
                ("resourceVersion", next is null ? options.ResourceVersion : null));
            var page = await SendAsync<KubeList<T>>(HttpMethod.Get, T.Resource.CollectionPath(ListNs<T>(ns)) + query, null,
                $"list {T.Resource.Plural}", ct);
            if (!page.IsSuccess) return page.Error;
            foreach (var item in page.Value.Items) Stamp(item);
            all.Items.AddRange(page.Value.Items);
            all.Metadata.ResourceVersion = page.Value.Metadata.ResourceVersion;
            next = string.IsNullOrEmpty(page.Value.Metadata.Continue) ? null : page.Value.Metadata.Continue;
        }
        while (next is not null);
        return all;
    }

    public Task<Result<T>> CreateAsync<T>(T obj, CancellationToken ct = default) where T : KubeObject, IKubeResource =>
        SendAsync<T>(HttpMethod.Post, T.Resource.CollectionPath(Ns<T>(obj.Metadata.Namespace)), Json(obj),
            $"create {Describe<T>(obj.Metadata.Namespace, obj.Metadata.Name.Length > 0 ? obj.Metadata.Name : obj.Metadata.GenerateName ?? "")}", ct);

    public Task<Result<T>> ReplaceAsync<T>(T obj, CancellationToken ct = default) where T : KubeObject, IKubeResource =>
        SendAsync<T>(HttpMethod.Put, T.Resource.ItemPath(Ns<T>(obj.Metadata.Namespace), obj.Metadata.Name), Json(obj),
            $"replace {Describe<T>(obj.Metadata.Namespace, obj.Metadata.Name)}", ct);

    public Task<Result<T>> ReplaceStatusAsync<T>(T obj, CancellationToken ct = default) where T : KubeObject, IKubeResource =>
        SendAsync<T>(HttpMethod.Put, T.Resource.ItemPath(Ns<T>(obj.Metadata.Namespace), obj.Metadata.Name) + "/status", Json(obj),
            $"replace status of {Describe<T>(obj.Metadata.Namespace, obj.Metadata.Name)}", ct);

    public Task<Result<T>> PatchAsync<T>(string name, string? ns, KubePatch patch, CancellationToken ct = default) where T : KubeObject, IKubeResource =>
        SendAsync<T>(HttpMethod.Patch, T.Resource.ItemPath(Ns<T>(ns), name), () => Content(patch.Body, patch.ContentType),
            $"patch {Describe<T>(ns, name)}", ct);

    public Task<Result<T>> PatchStatusAsync<T>(string name, string? ns, KubePatch patch, CancellationToken ct = default) where T : KubeObject, IKubeResource =>
        SendAsync<T>(HttpMethod.Patch, T.Resource.ItemPath(Ns<T>(ns), name) + "/status", () => Content(patch.Body, patch.ContentType),
            $"patch status of {Describe<T>(ns, name)}", ct);

    public Task<Result<T>> ApplyAsync<T>(T obj, ApplyOptions options, CancellationToken ct = default) where T : KubeObject, IKubeResource =>
        SendAsync<T>(HttpMethod.Patch, T.Resource.ItemPath(Ns<T>(obj.Metadata.Namespace), obj.Metadata.Name) + ApplyQuery(options),
            () => Content(ApplyBody(obj), ApplyPatchContentType), $"apply {Describe<T>(obj.Metadata.Namespace, obj.Metadata.Name)}", ct);

    public Task<Result<T>> ApplyStatusAsync<T>(T obj, ApplyOptions options, CancellationToken ct = default) where T : KubeObject, IKubeResource =>
        SendAsync<T>(HttpMethod.Patch, T.Resource.ItemPath(Ns<T>(obj.Metadata.Namespace), obj.Metadata.Name) + "/status" + ApplyQuery(options),
            () => Content(ApplyBody(obj), ApplyPatchContentType), $"apply status of {Describe<T>(obj.Metadata.Namespace, obj.Metadata.Name)}", ct);

    public async Task<Result<Unit>> DeleteAsync<T>(string name, string? ns = null, DeleteOptions? options = null, CancellationToken ct = default)
        where T : KubeObject, IKubeResource
    {
        var body = new JsonObject { ["kind"] = "DeleteOptions", ["apiVersion"] = "v1" };
        if (options?.PropagationPolicy is { } policy) body["propagationPolicy"] = policy;
        if (options?.PreconditionResourceVersion is not null || options?.PreconditionUid is not null)
            body["preconditions"] = new JsonObject { ["resourceVersion"] = options.PreconditionResourceVersion, ["uid"] = options.PreconditionUid };
        var text = body.ToJsonString();
        var result = await SendAsync<JsonElement>(HttpMethod.Delete, T.Resource.ItemPath(Ns<T>(ns), name),
            () => Content(text, "application/json"), $"delete {Describe<T>(ns, name)}", ct);
        return result.IsSuccess ? Unit.Value : result.Error;
    }

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(string? ns, WatchOptions options, [EnumeratorCancellation] CancellationToken ct = default)
        where T : KubeObject, IKubeResource
    {
        var seconds = (int)Math.Max(1, options.Timeout.TotalSeconds);
        var path = T.Resource.CollectionPath(ListNs<T>(ns)) + Query(("watch", "true"),
            ("resourceVersion", options.ResourceVersion), ("allowWatchBookmarks", options.AllowBookmarks ? "true" : null),
            ("timeoutSeconds", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("labelSelector", options.LabelSelector), ("fieldSelector", options.FieldSelector));
        var what = $"watch {T.Resource.Plural}";
        var (response, failure) = await OpenWatchAsync(path, what, ct);
        if (failure is not null)
        {
            yield return new WatchEvent<T>(WatchEventType.Error, null, failure);
            yield break;
        }
        using (response)
        {
            await using var stream = await response!.Content.ReadAsStreamAsync(ct);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            // A silent peer (half-open connection) must not hang the watch forever: the server sends a bookmark or
            // ends the stream within its timeout, so waiting a bit longer than that is safe.
            var idle = options.Timeout + _settings.WatchIdleGrace;
            while (true)
            {
                var line = await ReadLineAsync(reader, idle, ct);
                if (line is null) yield break;
                if (line.Length == 0) continue;
                var parsed = ParseEvent<T>(line);
                yield return parsed;
                if (parsed.Type == WatchEventType.Error) yield break;
            }
        }
    }

    async Task<(HttpResponseMessage? Response, KubeStatus? Failure)> OpenWatchAsync(string path, string what, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("application/json");
        using var headers = CancellationTokenSource.CreateLinkedTokenSource(ct);
        headers.CancelAfter(_settings.RequestTimeout);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, headers.Token);
        }
        catch (Exception e) when (e is HttpRequestException or IOException || e is OperationCanceledException && !ct.IsCancellationRequested)
        {
            _log.LogDebug("{What} failed to connect: {Error}", what, e.Message);
            return (null, new KubeStatus { Code = 0, Reason = "Unreachable", Message = $"{what}: {e.Message}" });
        }
        if (response.IsSuccessStatusCode) return (response, null);
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            var status = TryStatus(body) ?? new KubeStatus { Message = response.StatusCode.ToString() };
            status.Code = (int)response.StatusCode;
            return (null, status);
        }
    }

    static async Task<string?> ReadLineAsync(StreamReader reader, TimeSpan idle, CancellationToken ct)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timer.CancelAfter(idle);
        try
        {
            return await reader.ReadLineAsync(timer.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;   // idle too long: end this watch, the caller resumes from its last resourceVersion
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return null;   // connection dropped mid-stream: same as the server closing it
        }
    }

    static WatchEvent<T> ParseEvent<T>(string line) where T : KubeObject, IKubeResource
    {
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        var type = root.GetProperty("type").GetString() switch
        {
            "ADDED" => WatchEventType.Added,
            "MODIFIED" => WatchEventType.Modified,
            "DELETED" => WatchEventType.Deleted,
            "BOOKMARK" => WatchEventType.Bookmark,
            _ => WatchEventType.Error,
        };
        var obj = root.GetProperty("object");
        if (type == WatchEventType.Error) return new WatchEvent<T>(type, null, obj.Deserialize<KubeStatus>(KubeJson.Options));
        var item = obj.Deserialize<T>(KubeJson.Options)!;
        Stamp(item);
        return new WatchEvent<T>(type, item);
    }

    async Task<Result<TOut>> SendAsync<TOut>(HttpMethod method, string path, Func<HttpContent>? content, string what, CancellationToken ct)
    {
        var pipeline = method == HttpMethod.Get ? _reads : _writes;
        RawResponse raw;
        try
        {
            raw = await pipeline.ExecuteAsync(async token =>
            {
                using var request = new HttpRequestMessage(method, path) { Content = content?.Invoke() };
                request.Headers.Accept.ParseAdd("application/json");
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, token);
                var body = await response.Content.ReadAsStringAsync(token);
                return new RawResponse(response.StatusCode, body, RetryAfter(response));
            }, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException or IOException)
        {
            return KubeErrors.FromException(what, e);
        }
        if ((int)raw.Status is >= 200 and < 300)
        {
            var value = JsonSerializer.Deserialize<TOut>(raw.Body, KubeJson.Options)!;
            if (value is KubeObject o) StampUntyped(o, typeof(TOut));
            return value;
        }
        var error = KubeErrors.FromStatus(raw.Status, TryStatus(raw.Body), what);
        if (raw.Status != HttpStatusCode.NotFound && raw.Status != HttpStatusCode.Conflict)
            _log.LogDebug("{What} answered {Status}: {Message}", what, (int)raw.Status, error.Message);
        return error;
    }

    static ResiliencePipeline<RawResponse> BuildPipeline(KubeClientSettings s, bool retry)
    {
        var builder = new ResiliencePipelineBuilder<RawResponse>();
        if (retry && s.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<RawResponse>
            {
                MaxRetryAttempts = s.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = s.RetryBaseDelay,
                ShouldHandle = a => ValueTask.FromResult(a.Outcome.Exception is HttpRequestException or TimeoutRejectedException or IOException
                    || a.Outcome.Result is { } r && ((int)r.Status == 429 || (int)r.Status >= 500)),
                DelayGenerator = a => ValueTask.FromResult(a.Outcome.Exception is null ? a.Outcome.Result.RetryAfter : null),
            });
        }
        return builder.AddTimeout(s.RequestTimeout).Build();
    }

    static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var d = response.Headers.RetryAfter?.Delta;
        return d is { } delay && delay > TimeSpan.Zero ? TimeSpan.FromTicks(Math.Min(delay.Ticks, TimeSpan.FromSeconds(30).Ticks)) : null;
    }

    static KubeStatus? TryStatus(string body)
    {
        try
        {
            var s = JsonSerializer.Deserialize<KubeStatus>(body, KubeJson.Options);
            return s?.Kind == "Status" ? s : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    string? Ns<T>(string? ns) where T : IKubeResource => T.Resource.Namespaced ? (string.IsNullOrEmpty(ns) ? DefaultNamespace : ns) : null;

    static string? ListNs<T>(string? ns) where T : IKubeResource => T.Resource.Namespaced ? ns : null;

    string Describe<T>(string? ns, string name) where T : IKubeResource =>
        $"{T.Resource.Kind} {ObjectKey.Of(Ns<T>(ns), name)}";

    static Func<HttpContent> Json<T>(T obj) where T : KubeObject, IKubeResource
    {
        var text = WithTypeMeta(obj).ToJsonString(KubeJson.Options);
        return () => Content(text, "application/json");
    }

    static string ApplyBody<T>(T obj) where T : KubeObject, IKubeResource
    {
        // An apply configuration carries only what this manager wants to own: no resourceVersion, no server fields.
        var node = WithTypeMeta(obj);
        if (node["metadata"] is JsonObject meta)
            foreach (var server in new[] { "resourceVersion", "uid", "creationTimestamp", "generation", "deletionTimestamp", "managedFields" })
                meta.Remove(server);
        return node.ToJsonString(KubeJson.Options);   // JSON is YAML: the apply endpoint accepts it as is
    }

    static JsonObject WithTypeMeta<T>(T obj) where T : KubeObject, IKubeResource
    {
        var node = KubeJson.ToNode(obj);
        node["apiVersion"] = T.Resource.ApiVersion;
        node["kind"] = T.Resource.Kind;
        return node;
    }

    static HttpContent Content(string body, string contentType)
    {
        var c = new StringContent(body, Encoding.UTF8);
        c.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return c;
    }

    static string ApplyQuery(ApplyOptions o) => Query(("fieldManager", o.FieldManager), ("force", o.Force ? "true" : null));

    static string Query(params (string Key, string? Value)[] pairs)
    {
        var parts = pairs.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value!)}").ToList();
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    /// <summary>List items of built-in types come without apiVersion/kind; fill them so every object is self-describing.</summary>
    static void Stamp<T>(T item) where T : KubeObject, IKubeResource
    {
        item.ApiVersion ??= T.Resource.ApiVersion;
        item.Kind ??= T.Resource.Kind;
    }

    static void StampUntyped(KubeObject o, Type type)
    {
        if (o.ApiVersion is not null && o.Kind is not null) return;
        if (type.GetProperty(nameof(IKubeResource.Resource), System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)?.GetValue(null) is ResourceType r)
        {
            o.ApiVersion ??= r.ApiVersion;
            o.Kind ??= r.Kind;
        }
    }

    readonly record struct RawResponse(HttpStatusCode Status, string Body, TimeSpan? RetryAfter);
}

/// <summary>Timeouts and retries of the client. Bound from <c>Kubernetes</c> with the connection settings.</summary>
public sealed class KubeClientSettings
{
    /// <summary>One request (or a watch's response headers) may take this long.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of reads (GET, LIST) on 429, 5xx and network errors. Writes are never retried here.</summary>
    public int MaxRetries { get; set; } = 3;

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Sent as User-Agent: API server audit logs and metrics name clients by it.</summary>
    public string UserAgent { get; set; } = $"cmp-kubernetes/{typeof(KubeClient).Assembly.GetName().Version?.ToString(3) ?? "0"} ({Environment.OSVersion.Platform}; {System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture})";

    /// <summary>How long past the server's watch timeout a silent watch is given before it is abandoned.</summary>
    public TimeSpan WatchIdleGrace { get; set; } = TimeSpan.FromSeconds(30);
}
