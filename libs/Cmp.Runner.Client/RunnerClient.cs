using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Cmp.Hosting;
using Cmp.Primitives;
using Cmp.Runner.Client.Contracts;
using Microsoft.Extensions.Options;

namespace Cmp.Runner.Client;

/// <summary>
/// <see cref="IRunnerClient"/> over the named HttpClient <c>runner</c> (its timeouts, retries for GET/PUT/DELETE,
/// circuit breaker and service token come from <see cref="RunnerClientExtensions.AddRunnerClient"/>).
/// </summary>
public sealed class RunnerClient(IHttpClientFactory clients, IOptionsMonitor<RunnerClientOptions> options) : IRunnerClient
{
    public const string ClientName = "runner";

    HttpClient Http => clients.CreateClient(ClientName);

    public async Task<Result<RunResult>> RunAsync(RunRequest request, CancellationToken ct = default)
    {
        using var message = Post(request with { Stream = false }, "application/json");
        var opened = await OpenAsync(message, ct);
        if (!opened.TryGetValue(out var response, out var error)) return error;
        using (response) return await ReadJsonAsync<RunResult>(response, ct);
    }

    public async IAsyncEnumerable<RunEvent> StreamAsync(RunRequest request, [EnumeratorCancellation] CancellationToken ct = default)
    {
        using var message = Post(request with { Stream = true }, "text/event-stream");
        var opened = await OpenAsync(message, ct);
        if (!opened.TryGetValue(out var response, out var error))
        {
            yield return new RunErrorEvent(error);
            yield break;
        }
        using (response)
        {
            if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
            {
                // A runner that answered with a plain result (it ignored the stream request) still gave a valid outcome.
                var result = await ReadJsonAsync<RunResult>(response, ct);
                yield return result.IsSuccess ? new RunEndEvent(result.Value) : new RunErrorEvent(result.Error);
                yield break;
            }
            var body = await response.Content.ReadAsStreamAsync(ct);
            await foreach (var e in RunnerEventStream.ReadAsync(body, options.CurrentValue.StreamIdleTimeout, ct)) yield return e;
        }
    }

    public async Task<Result<ImportedFlow>> ImportFlowAsync(Guid flowId, JsonElement flow, CancellationToken ct = default)
    {
        using var message = new HttpRequestMessage(HttpMethod.Put, RunnerRoutes.Flow(flowId)) { Content = Json(flow) };
        var opened = await OpenAsync(message, ct);
        if (!opened.TryGetValue(out var response, out var error)) return error;
        using (response)
            return (await ReadJsonAsync<JsonElement>(response, ct)).Map(f => new ImportedFlow(response.StatusCode == HttpStatusCode.Created, f));
    }

    public async Task<Result<JsonElement>> GetFlowAsync(Guid flowId, CancellationToken ct = default)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, RunnerRoutes.Flow(flowId));
        var opened = await OpenAsync(message, ct);
        if (!opened.TryGetValue(out var response, out var error)) return error;
        using (response) return await ReadJsonAsync<JsonElement>(response, ct);
    }

    public async Task<Result<Unit>> DeleteFlowAsync(Guid flowId, CancellationToken ct = default)
    {
        using var message = new HttpRequestMessage(HttpMethod.Delete, RunnerRoutes.Flow(flowId));
        var opened = await OpenAsync(message, ct);
        if (!opened.TryGetValue(out var response, out var error)) return error;
        response.Dispose();
        return Unit.Value;
    }

    /// <summary>Sends and returns the response once its headers arrived, or the failure as an <see cref="Error"/>.</summary>
    async Task<Result<HttpResponseMessage>> OpenAsync(HttpRequestMessage message, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await Http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && RunnerProblems.FromTransport(e) is { } error)
        {
            return error;
        }
        if (response.IsSuccessStatusCode) return response;
        using (response) return await RunnerProblems.ReadAsync(response, ct);
    }

    static async Task<Result<T>> ReadJsonAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var value = await response.Content.ReadFromJsonAsync<T>(CmpDefaults.Json, ct);
            return value is null
                ? new Error(RunnerErrorCodes.RunnerBadResponse, "The runner answered with an empty body.", ErrorKind.Upstream)
                : value;
        }
        catch (JsonException e)
        {
            return new Error(RunnerErrorCodes.RunnerBadResponse, $"The runner's answer cannot be read: {e.Message}", ErrorKind.Upstream);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && RunnerProblems.FromTransport(e) is { } error)
        {
            return error;
        }
    }

    static HttpRequestMessage Post(RunRequest request, string accept)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, RunnerRoutes.Runs) { Content = Json(request) };
        message.Headers.Accept.ParseAdd(accept);
        return message;
    }

    /// <summary>Byte-array content, so the service-token handler can resend it once after a 401.</summary>
    static ByteArrayContent Json<T>(T value)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, CmpDefaults.Json));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }
}
