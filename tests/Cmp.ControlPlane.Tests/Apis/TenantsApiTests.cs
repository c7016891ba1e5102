using System.Net;
using Cmp.Testing.Postgres;

namespace Cmp.ControlPlane.Tests.Apis;

/// <summary>Tenants are buyers: found or created from orders exactly once, and linked to their Keycloak user by verified e-mail.</summary>
public sealed class TenantsApiTests(PostgresFixture pg) : IAsyncLifetime
{
    ControlPlaneHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await ControlPlaneHost.StartAsync(pg);

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task Resolving_creates_once_and_then_finds_whatever_the_case_of_the_email()
    {
        using var svc = await _host.ProvisionerAsync();

        var (first, created) = await svc.PostJsonAsync("/v1/tenants", new { email = "Jane.Doe@Example.com", saleor_user_id = "VXNlcjox" });
        var (second, found) = await svc.PostJsonAsync("/v1/tenants", new { email = "jane.doe@example.com" });

        first.StatusCode.Should().Be(HttpStatusCode.Created);
        created.Str("email").Should().Be("jane.doe@example.com");
        second.StatusCode.Should().Be(HttpStatusCode.OK);
        found.Str("id").Should().Be(created.Str("id"));
    }

    [Fact]
    public async Task Concurrent_orders_of_one_buyer_create_one_tenant()
    {
        using var svc = await _host.ProvisionerAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => svc.PostJsonAsync("/v1/tenants", new { email = "rush@example.com" })));

        results.Should().OnlyContain(r => r.Response.IsSuccessStatusCode);
        results.Select(r => r.Body.Str("id")).Distinct().Should().ContainSingle();
    }

    [Fact]
    public async Task A_saleor_user_who_changed_email_keeps_their_tenant()
    {
        using var svc = await _host.ProvisionerAsync();

        var (_, before) = await svc.PostJsonAsync("/v1/tenants", new { email = "old@example.com", saleor_user_id = "VXNlcjo3" });
        var (_, after) = await svc.PostJsonAsync("/v1/tenants", new { email = "new@example.com", saleor_user_id = "VXNlcjo3" });

        after.Str("id").Should().Be(before.Str("id"));
    }

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("")]
    [InlineData("a b@example.com")]
    public async Task Invalid_emails_are_rejected(string email)
    {
        using var svc = await _host.ProvisionerAsync();

        var (response, problem) = await svc.PostJsonAsync("/v1/tenants", new { email });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        problem.Str("code").Should().Be("invalid_email");
    }

    [Fact]
    public async Task A_missing_required_field_names_the_field()
    {
        using var svc = await _host.ProvisionerAsync();

        var (response, problem) = await svc.PostJsonAsync("/v1/tenants", new { saleor_user_id = "x" });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        problem.Str("detail").Should().Contain("email");
    }

    [Fact]
    public async Task A_buyer_with_a_verified_email_finds_their_tenant_once_it_exists()
    {
        using var buyer = await _host.BuyerAsync();
        var before = await buyer.GetAsync("/v1/tenants/me");
        var tenant = await _host.TenantAsync("BUYER@example.com");

        var (response, me) = await buyer.GetJsonAsync("/v1/tenants/me");

        before.StatusCode.Should().Be(HttpStatusCode.NotFound);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        me.Str("id").Should().Be(tenant.ToString());
        me.GetProperty("keycloak_linked").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task A_buyer_sees_only_their_own_tenant()
    {
        var mine = await _host.TenantAsync("buyer@example.com");
        var theirs = await _host.TenantAsync("other@example.com");
        using var buyer = await _host.BuyerAsync();

        (await buyer.GetAsync($"/v1/tenants/{mine}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await buyer.GetAsync($"/v1/tenants/{theirs}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var (_, search) = await buyer.GetJsonAsync("/v1/tenants?email=other@example.com");
        search.GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task Only_services_create_tenants()
    {
        using var buyer = await _host.BuyerAsync();

        var (response, _) = await buyer.PostJsonAsync("/v1/tenants", new { email = "buyer@example.com" });

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }
}
