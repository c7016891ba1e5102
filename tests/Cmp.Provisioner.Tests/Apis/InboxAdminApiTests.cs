using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cmp.Provisioner.Tests.Features.ProvisionOrder;
using Cmp.Testing;
using Cmp.Testing.Platform;
using Cmp.Testing.Postgres;

namespace Cmp.Provisioner.Tests.Apis;

/// <summary>When provisioning keeps failing, the delivery is dead-lettered with its last error, and a platform admin
/// can find it and replay it once the cause is fixed.</summary>
public sealed class InboxAdminApiTests(PostgresFixture pg) : IAsyncLifetime
{
    readonly ControlPlaneFaults _faults = new();
    PlatformStack _stack = null!;
    ProvisioningProbe _probe = null!;

    public async ValueTask InitializeAsync()
    {
        _stack = await PlatformStack.StartAsync(pg, new PlatformOptions
        {
            ConfigureControlPlane = _faults.Install,
            ProvisionerSettings = new() { ["Inbox:MaxAttempts"] = "2" },
        });
        _probe = new ProvisioningProbe(_stack);
    }

    public ValueTask DisposeAsync() => _stack.DisposeAsync();

    [Fact]
    public async Task A_dead_letter_shows_its_error_and_a_replay_provisions_the_order()
    {
        _faults.Unavailable = true;
        await _stack.Shopper.PurchaseAsync("buyer@example.com", ("CSA-PRO", 1), ("CREDITS-500", 2));
        var dead = await Poller.StructAsync(async () => (await _probe.InboxAsync("dead")).Cast<JsonElement?>().FirstOrDefault(), "the delivery to be dead-lettered");
        dead.GetProperty("attempts").GetInt32().Should().Be(2);
        dead.GetProperty("last_error").GetString().Should().Contain("control_plane");

        _faults.Unavailable = false;
        using var admin = await _probe.AdminAsync(_stack.ProvisionerUrl);
        var replay = await admin.PostAsync($"/v1/inbox/{dead.GetProperty("id").GetInt64()}/replay", null);

        replay.StatusCode.Should().Be(HttpStatusCode.OK);
        await _probe.WaitForAsync("buyer@example.com", readyInstances: 1, balance: 1000);
    }

    [Fact]
    public async Task The_inbox_is_for_platform_admins_only()
    {
        using var buyer = new HttpClient { BaseAddress = _stack.ProvisionerUrl };
        buyer.DefaultRequestHeaders.Authorization = new("Bearer", await _stack.Identity.BuyerTokenAsync());
        using var anonymous = new HttpClient { BaseAddress = _stack.ProvisionerUrl };

        (await buyer.GetAsync("/v1/inbox")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await anonymous.GetAsync("/v1/inbox")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_message_detail_carries_the_payload_as_received()
    {
        await _stack.Shopper.PurchaseAsync("buyer@example.com", ("CREDITS-100", 1));
        await _probe.SettledAsync(1);
        using var admin = await _probe.AdminAsync(_stack.ProvisionerUrl);
        var item = (await _probe.InboxAsync()).Single();

        var detail = await admin.GetFromJsonAsync<JsonElement>($"/v1/inbox/{item.GetProperty("id").GetInt64()}");

        detail.GetProperty("payload").GetString().Should().StartWith("{\"__typename\": \"OrderFullyPaid\"");
        detail.GetProperty("outcome").GetString().Should().Contain("100 credits");
    }
}
