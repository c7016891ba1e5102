using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Cmp.Gateway.Features.Acp.Protocol;

/// <summary>
/// An ACP response as bytes: status, JSON body and the headers worth keeping. Handlers produce it; the idempotency
/// filter stores it as is and replays exactly these bytes.
/// </summary>
public sealed class AcpResponse : IResult
{
    public AcpResponse(int status, byte[] body, IReadOnlyDictionary<string, string>? headers = null)
    {
        Status = status;
        Body = body;
        Headers = headers ?? new Dictionary<string, string>();
    }

    public int Status { get; }
    public byte[] Body { get; }
    public IReadOnlyDictionary<string, string> Headers { get; }

    public static AcpResponse Json<T>(int status, T body, JsonSerializerOptions options, IReadOnlyDictionary<string, string>? headers = null) =>
        new(status, JsonSerializer.SerializeToUtf8Bytes(body, options), headers);

    public AcpResponse WithHeader(string name, string value)
    {
        var h = new Dictionary<string, string>(Headers, StringComparer.OrdinalIgnoreCase) { [name] = value };
        return new AcpResponse(Status, Body, h);
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = Status;
        foreach (var (k, v) in Headers) response.Headers[k] = v;
        response.ContentType = "application/json";
        response.ContentLength = Body.Length;
        await response.Body.WriteAsync(Body, httpContext.RequestAborted);
    }
}
