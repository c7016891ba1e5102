using System.Net.Http.Json;
using System.Text.Json;

namespace Cmp.ControlPlane.Tests.Apis;

/// <summary>Small request helpers so tests read as the API calls they make.</summary>
static class Http
{
    public static async Task<(HttpResponseMessage Response, JsonElement Body)> PostJsonAsync(this HttpClient client, string path, object? body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body ?? new { }) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        var response = await client.SendAsync(request);
        return (response, await ReadAsync(response));
    }

    public static async Task<(HttpResponseMessage Response, JsonElement Body)> GetJsonAsync(this HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        return (response, await ReadAsync(response));
    }

    public static async Task<(HttpResponseMessage Response, JsonElement Body)> DeleteJsonAsync(this HttpClient client, string path)
    {
        var response = await client.DeleteAsync(path);
        return (response, await ReadAsync(response));
    }

    static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public static long Long(this JsonElement e, string name) => e.GetProperty(name).GetInt64();
    public static string Str(this JsonElement e, string name) => e.GetProperty(name).GetString()!;
}
