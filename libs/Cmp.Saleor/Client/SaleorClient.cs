using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Cmp.Hosting.Http;
using Cmp.Primitives;
using Cmp.Saleor.GraphQL;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Cmp.Saleor.Client;

/// <summary>
/// <see cref="ISaleorClient"/> over a resilient HttpClient (<c>Http:saleor</c>: timeouts, retries, circuit breaker).
/// Only the operation name, outcome and duration are logged: variables can hold passwords, e-mails and tokens.
/// </summary>
public sealed class SaleorClient : ISaleorClient
{
    readonly Func<HttpClient> _http;
    readonly string? _token;
    readonly SaleorOperations _operations;
    readonly ILogger _logger;

    /// <param name="http">Gives the HttpClient for one call (from IHttpClientFactory, so handlers rotate).</param>
    public SaleorClient(Func<HttpClient> http, Uri apiUrl, string? token, SaleorOperations operations, ILogger logger)
    {
        if (SaleorOptions.CheckApiUrl(apiUrl) is { } problem) throw new ArgumentException($"Saleor API URL {problem}", nameof(apiUrl));
        _http = http;
        ApiUrl = apiUrl;
        _token = token;
        _operations = operations;
        _logger = logger;
    }

    public Uri ApiUrl { get; }

    public ISaleorClient WithToken(string? bearerToken) => new SaleorClient(_http, ApiUrl, bearerToken, _operations, _logger);

    public async Task<Result<T>> ExecuteAsync<T>(string operationName, object? variables = null, CancellationToken ct = default)
    {
        var op = _operations.Get(operationName);
        var body = JsonSerializer.SerializeToUtf8Bytes(new GraphQLRequest(op.Name, op.Document, variables), SaleorJson.Options);
        using var request = new HttpRequestMessage(HttpMethod.Post, ApiUrl) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (_token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        // A query reads, and a declared-idempotent mutation sets state: sending either twice is harmless. Any other
        // mutation may have been applied before the failure we saw, so it is sent once.
        request.Options.Set(ResilienceHandler.Idempotent, op.RetrySafe);

        var started = Stopwatch.GetTimestamp();
        Result<T> result;
        try
        {
            using var response = await _http().SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
            var bytes = await response.Content.ReadAsByteArrayAsync(ct);
            result = SaleorResponseReader.Read<T>(op, response.StatusCode, response.Headers.Location, bytes);
        }
        catch (TimeoutRejectedException)
        {
            result = Failure<T>(op, Error.Transient(SaleorErrorCodes.Timeout, $"Saleor did not answer {op.Name} in time."));
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            result = Failure<T>(op, Error.Transient(SaleorErrorCodes.Timeout, $"Saleor did not answer {op.Name} in time."));
        }
        catch (BrokenCircuitException)
        {
            result = Failure<T>(op, Error.Transient(SaleorErrorCodes.CircuitOpen,
                $"Saleor failed repeatedly; calls are paused for a moment (circuit open), {op.Name} was not sent."));
        }
        catch (HttpRequestException e)
        {
            result = Failure<T>(op, Error.Transient(SaleorErrorCodes.Unreachable,
                $"Saleor at {ApiUrl.GetLeftPart(UriPartial.Authority)} is unreachable for {op.Name}: {e.Message}"));
        }

        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (result.IsSuccess)
            _logger.LogDebug("Saleor {Operation} succeeded in {ElapsedMs:F0} ms", op.Name, ms);
        else
            _logger.LogWarning("Saleor {Operation} failed in {ElapsedMs:F0} ms: {ErrorKind} {ErrorCode}: {ErrorMessage}",
                op.Name, ms, result.Error.Kind, result.Error.Code, result.Error.Message);
        return result;
    }

    static Result<T> Failure<T>(SaleorOperation op, Error error) => SaleorResponseReader.Tag(op, error);

    sealed record GraphQLRequest(string OperationName, string Query, object? Variables);
}
