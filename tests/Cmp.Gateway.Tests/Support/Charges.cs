using System.Net;
using System.Text.Json;
using Cmp.Testing;

namespace Cmp.Gateway.Tests.Support;

/// <summary>Assertions about what a tenant was (not) charged, read from the control plane's ledger.</summary>
public static class Charges
{
    /// <summary>The balance is intact, nothing is held, and every reservation made was released.</summary>
    public static async Task ShouldBeUnchargedAsync(this Platform platform, Account account, long granted)
    {
        await Poller.UntilAsync(async () => (await platform.CreditsAsync(account.TenantId)).Reserved == 0, "the reservation to be released");
        (await platform.CreditsAsync(account.TenantId)).Should().Be(new Credits(granted, 0, granted));
        var ledger = await platform.LedgerAsync(account.TenantId);
        ledger.Should().NotContain(e => e.Kind == "commit");
        ledger.Count(e => e.Kind == "reserve").Should().Be(ledger.Count(e => e.Kind == "release"));
    }

    /// <summary>A problem response for a failure after the reservation: its status and code, and nothing charged.</summary>
    public static async Task<JsonElement> ShouldBeUnchargedProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await Http.ReadAsync(response);
        response.StatusCode.Should().Be(status, body.ToString());
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        body.Code().Should().Be(code);
        body.GetProperty("credits_charged").GetInt64().Should().Be(0);
        body.GetProperty("run_id").GetGuid().Should().NotBeEmpty();
        return body;
    }

    /// <summary>The run record as the gateway stores it, once its settlement is final.</summary>
    public static async Task<JsonElement> SettledRunAsync(this HttpClient client, Guid runId) =>
        await Poller.ValueAsync<JsonElement?>(async () =>
        {
            var (response, body) = await client.GetJsonAsync($"/v1/runs/{runId}");
            return response.IsSuccessStatusCode && body.GetProperty("settlement").GetString() is not "pending" && body.GetProperty("status").GetString() != "running"
                ? body : null;
        }, $"run {runId} to be settled") ?? default;

    /// <summary>The newest run of an instance (for runs whose response never reached the caller).</summary>
    public static async Task<JsonElement> LatestRunAsync(this HttpClient client, Guid instanceId) =>
        await Poller.ValueAsync<JsonElement?>(async () =>
        {
            var (_, page) = await client.GetJsonAsync($"/v1/runs?instance_id={instanceId}&limit=1");
            var items = page.GetProperty("items");
            if (items.GetArrayLength() == 0) return null;
            var run = items[0];
            return run.GetProperty("status").GetString() != "running" && run.GetProperty("settlement").GetString() != "pending" ? run : null;
        }, $"the latest run of {instanceId} to be settled") ?? default;
}
