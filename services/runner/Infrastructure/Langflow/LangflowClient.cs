using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Cmp.Hosting.Http;
using Cmp.Primitives;
using Cmp.Runner.Client.Contracts;
using Cmp.Runner.Domain;
using Microsoft.Extensions.Options;

namespace Cmp.Runner.Infrastructure.Langflow;

/// <summary>
/// <see cref="ILangflowClient"/> over the named HttpClient <c>langflow</c> (API key, pipeline and connection settings
/// come from its handlers; see RunnerExtensions). A run is bounded as a whole by <c>Http:langflow:AttemptTimeout</c>,
/// reading of the body included, since the pipeline's own timeouts stop at the response headers.
/// </summary>
public sealed class LangflowClient(IHttpClientFactory clients, IOptionsMonitor<LangflowOptions> options,
    IOptionsMonitor<HttpResilienceOptions> http) : ILangflowClient
{
    public const string ClientName = "langflow";

    HttpClient Http => clients.CreateClient(ClientName);

    TimeSpan RunTimeout => http.Get(ClientName).AttemptTimeout;

    public async Task<Result<RunResult>> RunAsync(LangflowRun run, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(RunTimeout);
        using var request = RunRequest(run, stream: false);
        var sent = await SendAsync(request, deadline.Token, ct);
        if (!sent.TryGetValue(out var response, out var error)) return error;
        using (response)
        {
            try
            {
                if (!response.IsSuccessStatusCode) return await LangflowErrors.FromRunResponseAsync(response, run.Flow, deadline.Token);
                await using var body = await response.Content.ReadAsStreamAsync(deadline.Token);
                using var doc = await JsonDocument.ParseAsync(body, default, deadline.Token);
                return LangflowRunReader.ToRunResult(doc.RootElement, (int)response.StatusCode, run.Flow, run.Session);
            }
            catch (JsonException e)
            {
                return RunnerErrors.LangflowBadResponse($"the run result is not valid JSON ({e.Message}).");
            }
            catch (Exception e) when (!ct.IsCancellationRequested && LangflowErrors.FromException(e) is { } failure)
            {
                return failure;
            }
        }
    }

    public async Task<Result<LangflowRunStream>> OpenStreamAsync(LangflowRun run, CancellationToken ct)
    {
        // The deadline lives as long as the stream: it bounds the whole run, not just the wait for headers.
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(RunTimeout);
        using var request = RunRequest(run, stream: true);
        var sent = await SendAsync(request, deadline.Token, ct);
        if (!sent.TryGetValue(out var response, out var error))
        {
            deadline.Dispose();
            return error;
        }
        if (response.IsSuccessStatusCode) return new LangflowRunStream(response, run, options.CurrentValue, deadline);
        try
        {
            return await LangflowErrors.FromRunResponseAsync(response, run.Flow, deadline.Token);
        }
        finally
        {
            response.Dispose();
            deadline.Dispose();
        }
    }

    public async Task<Result<LangflowFlow>> PutFlowAsync(Guid id, JsonElement flow, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, FlowPath(id)) { Content = Json(flow) };
        var result = await FlowCallAsync(request, id, ct);
        return result.Map(f => new LangflowFlow(f.Status == HttpStatusCode.Created, f.Body));
    }

    public async Task<Result<JsonElement>> GetFlowAsync(Guid id, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, FlowPath(id));
        var result = await FlowCallAsync(request, id, ct);
        return result.Map(f => f.Body);
    }

    public async Task<Result<bool>> DeleteFlowAsync(Guid id, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, FlowPath(id));
        var result = await FlowCallAsync(request, id, ct);
        if (result.IsSuccess) return true;
        return result.Error.Code == RunnerErrorCodes.FlowNotFound ? false : result.Error;
    }

    async Task<Result<(HttpStatusCode Status, JsonElement Body)>> FlowCallAsync(HttpRequestMessage request, Guid id, CancellationToken ct)
    {
        var sent = await SendAsync(request, ct, ct);
        if (!sent.TryGetValue(out var response, out var error)) return error;
        using (response)
        {
            try
            {
                if (!response.IsSuccessStatusCode) return await LangflowErrors.FromFlowResponseAsync(response, id, ct);
                await using var body = await response.Content.ReadAsStreamAsync(ct);
                using var doc = await JsonDocument.ParseAsync(body, default, ct);
                return (response.StatusCode, doc.RootElement.Clone());
            }
            catch (JsonException e)
            {
                return RunnerErrors.LangflowBadResponse($"the flow answer is not valid JSON ({e.Message}).");
            }
            catch (Exception e) when (!ct.IsCancellationRequested && LangflowErrors.FromException(e) is { } failure)
            {
                return failure;
            }
        }
    }

    /// <summary>Sends and returns once the headers arrived; no answer at all becomes an error (the caller's own cancellation throws).</summary>
    async Task<Result<HttpResponseMessage>> SendAsync(HttpRequestMessage request, CancellationToken token, CancellationToken callerCt)
    {
        try
        {
            return await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
        }
        catch (Exception e) when (!callerCt.IsCancellationRequested && LangflowErrors.FromException(e) is { } failure)
        {
            return failure;
        }
    }

    /// <summary>
    /// The body Langflow's <c>SimplifiedAPIRequest</c> expects. Everything is explicit (input and output type "chat",
    /// the session id) because Langflow silently falls back to defaults for anything it cannot parse.
    /// </summary>
    static HttpRequestMessage RunRequest(LangflowRun run, bool stream)
    {
        var path = $"api/v1/run/{Uri.EscapeDataString(run.Flow.Value)}" + (stream ? "?stream=true" : "?stream=false");
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("input_value", run.Input);
            json.WriteString("input_type", "chat");
            json.WriteString("output_type", "chat");
            json.WriteString("session_id", run.Session.Value);
            if (run.Tweaks is { ValueKind: JsonValueKind.Object } tweaks)
            {
                json.WritePropertyName("tweaks");
                tweaks.WriteTo(json);
            }
            json.WriteEndObject();
        }
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Bytes(buffer.ToArray()) };
        request.Headers.Accept.ParseAdd(stream ? "text/event-stream" : "application/json");
        return request;
    }

    static string FlowPath(Guid id) => $"api/v1/flows/{id:D}";

    static ByteArrayContent Json(JsonElement value) => Bytes(JsonSerializer.SerializeToUtf8Bytes(value));

    /// <summary>Byte-array content can be sent again, which the retry of a PUT needs.</summary>
    static ByteArrayContent Bytes(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }
}
