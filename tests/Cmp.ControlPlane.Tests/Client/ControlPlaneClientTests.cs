using Cmp.ControlPlane.Client;
using Cmp.ControlPlane.Contracts;
using Cmp.Primitives;
using Cmp.Testing;
using Cmp.Testing.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cmp.ControlPlane.Tests.Client;

/// <summary>The typed client the provisioner and gateway use, against the real control plane.</summary>
public sealed class ControlPlaneClientTests(PostgresFixture pg) : IAsyncLifetime
{
    ControlPlaneHost _host = null!;
    IControlPlaneClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await ControlPlaneHost.StartAsync(pg);
        await _host.SeedOfferingsAsync();
        _client = Client(_host.Service.Url);
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    IControlPlaneClient Client(Uri baseAddress)
    {
        var settings = _host.Identity.ServiceAuthSettings("cmp-gateway");
        settings["Http:control-plane:BaseAddress"] = baseAddress.ToString();
        settings["Http:control-plane:MaxRetries"] = "1";
        settings["Http:control-plane:AttemptTimeout"] = "00:00:02";
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddControlPlaneClient(config).BuildServiceProvider().GetRequiredService<IControlPlaneClient>();
    }

    [Fact]
    public async Task The_provisioning_calls_are_idempotent_through_the_client()
    {
        var tenant = (await _client.ResolveTenantAsync(new ResolveTenantRequest("buyer@example.com"), default)).Value;
        var request = new CreateInstanceRequest(tenant.Id, "CSA-PRO", new InstanceSource("Order:1", "Line:1", 0));

        var first = await _client.CreateInstanceAsync(request, "Order:1/Line:1/0", default);
        var again = await _client.CreateInstanceAsync(request, "Order:1/Line:1/0", default);
        var grant = await _client.GrantCreditsAsync(tenant.Id, new GrantRequest(1000, "Order:1"), "Order:1/Line:2", default);
        var grantAgain = await _client.GrantCreditsAsync(tenant.Id, new GrantRequest(1000, "Order:1"), "Order:1/Line:2", default);

        again.Value.Id.Should().Be(first.Value.Id);
        grantAgain.Value.Id.Should().Be(grant.Value.Id);
        (await _client.GetCreditsAsync(tenant.Id, default)).Value.Balance.Should().Be(1100);
        (await _client.ListOrderInstancesAsync("Order:1", default)).Value.Should().ContainSingle();
    }

    [Fact]
    public async Task Problems_come_back_as_errors_with_their_code_and_details()
    {
        var tenant = (await _client.ResolveTenantAsync(new ResolveTenantRequest("buyer@example.com"), default)).Value;

        var reserve = await _client.ReserveAsync(tenant.Id, new ReserveRequest(5), "run-1", default);

        reserve.IsSuccess.Should().BeFalse();
        reserve.Error!.Kind.Should().Be(ErrorKind.PaymentRequired);
        reserve.Error.Code.Should().Be("insufficient_credits");
        reserve.Error.Details.Should().ContainKey("available");
    }

    [Fact]
    public async Task A_user_token_is_passed_on_so_the_control_plane_scopes_what_the_user_sees()
    {
        var tenant = (await _client.ResolveTenantAsync(new ResolveTenantRequest("buyer@example.com"), default)).Value;
        var instance = (await _client.CreateInstanceAsync(new CreateInstanceRequest(tenant.Id, "CSA-PRO"), "own", default)).Value;

        var asBuyer = await _client.GetInstanceAsUserAsync(instance.Id, await _host.Identity.BuyerTokenAsync(), default);
        var asOther = await _client.GetInstanceAsUserAsync(instance.Id, await _host.Identity.OtherTokenAsync(), default);
        var me = await _client.GetMyTenantAsync(await _host.Identity.BuyerTokenAsync(), default);

        asBuyer.Value.Id.Should().Be(instance.Id);
        asOther.Error!.Kind.Should().Be(ErrorKind.NotFound);
        me.Value.Id.Should().Be(tenant.Id);
    }

    [Fact]
    public async Task An_unreachable_control_plane_is_a_transient_error_not_an_exception()
    {
        var down = Client(new Uri($"http://127.0.0.1:{FreePort.Next()}"));

        var result = await down.GetCreditsAsync(Guid.NewGuid(), default);

        result.Error!.Kind.Should().Be(ErrorKind.Transient);
        result.Error.Code.Should().Be("control_plane_unreachable");
    }
}
