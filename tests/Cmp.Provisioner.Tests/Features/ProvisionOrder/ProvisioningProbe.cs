using System.Net.Http.Json;
using System.Text.Json;
using Cmp.Hosting.Http;
using Cmp.Saleor.Client;
using Cmp.Testing;
using Cmp.Testing.Platform;

namespace Cmp.Provisioner.Tests.Features.ProvisionOrder;

/// <summary>Reads what provisioning produced, from the control plane (as an admin), Saleor (as the app) and the provisioner's inbox.</summary>
sealed class ProvisioningProbe(PlatformStack stack)
{
    public async Task<HttpClient> AdminAsync(Uri baseUrl) =>
        new() { BaseAddress = baseUrl, DefaultRequestHeaders = { Authorization = new("Bearer", await stack.Identity.AdminTokenAsync()) } };

    public async Task<Guid?> TenantAsync(string email)
    {
        using var cp = await AdminAsync(stack.ControlPlane.Url);
        var list = await cp.GetFromJsonAsync<JsonElement>($"/v1/tenants?email={Uri.EscapeDataString(email)}");
        return list.GetArrayLength() == 0 ? null : list[0].GetProperty("id").GetGuid();
    }

    public async Task<List<JsonElement>> InstancesAsync(Guid tenant)
    {
        using var cp = await AdminAsync(stack.ControlPlane.Url);
        return (await cp.GetFromJsonAsync<JsonElement>($"/v1/tenants/{tenant}/instances?include_deleted=true")).EnumerateArray().ToList();
    }

    public async Task<long> BalanceAsync(Guid tenant)
    {
        using var cp = await AdminAsync(stack.ControlPlane.Url);
        return (await cp.GetFromJsonAsync<JsonElement>($"/v1/tenants/{tenant}/credits")).GetProperty("balance").GetInt64();
    }

    public async Task<JsonElement> CreditsAsync(Guid tenant)
    {
        using var cp = await AdminAsync(stack.ControlPlane.Url);
        return await cp.GetFromJsonAsync<JsonElement>($"/v1/tenants/{tenant}/credits");
    }

    /// <summary>Waits until the buyer has exactly this many Ready instances and this balance.</summary>
    public async Task<Guid> WaitForAsync(string email, int readyInstances, long balance)
    {
        return await Poller.StructAsync(async () =>
        {
            var tenant = await TenantAsync(email);
            if (tenant is not { } t) return (Guid?)null;
            var instances = await InstancesAsync(t);
            var ready = instances.Count(i => i.GetProperty("status").GetString() == "Ready");
            return ready == readyInstances && instances.Count == readyInstances && await BalanceAsync(t) == balance ? t : null;
        }, $"{email} to have {readyInstances} Ready instance(s) and {balance} credits", TimeSpan.FromSeconds(60));
    }

    public async Task<SaleorOrder> SaleorOrderAsync(string orderId)
    {
        var client = SaleorClientFactory.Create(stack.Saleor.ApiUrl, stack.SaleorAppToken, new HttpResilienceOptions());
        return (await client.GetOrderAsync(orderId)).Value;
    }

    public async Task<List<JsonElement>> InboxAsync(string? status = null)
    {
        using var p = await AdminAsync(stack.ProvisionerUrl);
        var page = await p.GetFromJsonAsync<JsonElement>(status is null ? "/v1/inbox?limit=500" : $"/v1/inbox?limit=500&status={status}");
        return page.GetProperty("items").EnumerateArray().ToList();
    }

    /// <summary>Waits until every inbox message is settled (done or dead).</summary>
    public Task SettledAsync(int atLeast) => Poller.UntilAsync(async () =>
    {
        var all = await InboxAsync();
        return all.Count >= atLeast && all.All(m => m.GetProperty("status").GetString() != "pending");
    }, $"at least {atLeast} inbox message(s) to settle", TimeSpan.FromSeconds(60));
}
