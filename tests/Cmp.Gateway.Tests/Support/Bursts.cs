using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Cmp.Gateway.Tests.Support;

public static class Bursts
{
    /// <summary>Sends <paramref name="count"/> runs of one instance at the same moment (all released together).</summary>
    public static async Task<(HttpStatusCode StatusCode, JsonElement Body)[]> RunAllAtOnceAsync(this HttpClient client, Guid instanceId, int count)
    {
        using var start = new SemaphoreSlim(0);
        var runs = Enumerable.Range(0, count).Select(async i =>
        {
            await start.WaitAsync();
            using var response = await client.PostAsJsonAsync("/v1/runs", new { instance_id = instanceId, input = $"run {i}" });
            return (response.StatusCode, await Http.ReadAsync(response));
        }).ToList();
        start.Release(count);
        return await Task.WhenAll(runs);
    }
}
