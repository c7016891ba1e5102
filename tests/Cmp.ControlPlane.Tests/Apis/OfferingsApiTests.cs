using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cmp.Testing.Postgres;

namespace Cmp.ControlPlane.Tests.Apis;

/// <summary>Offerings: platform admins declare them; every bad field is reported by name.</summary>
public sealed class OfferingsApiTests(PostgresFixture pg) : IAsyncLifetime
{
    ControlPlaneHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await ControlPlaneHost.StartAsync(pg);

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    static object Agent(string template = "customer-support-agent", long perRun = 2, long per1k = 0, long max = 0) => new
    {
        kind = "agent", display_name = "Agent", price_minor = 1999, currency = "USD", flow_template = template,
        credits_per_unit = 50, credits_per_run = perRun, credits_per_1k_tokens = per1k, max_credits_per_run = max,
    };

    [Fact]
    public async Task Put_creates_then_updates_and_the_same_put_changes_nothing()
    {
        using var admin = await _host.AdminAsync();

        var created = await admin.PutAsJsonAsync("/v1/offerings/CSA-BASIC", Agent());
        var updated = await admin.PutAsJsonAsync("/v1/offerings/CSA-BASIC", Agent(perRun: 3));
        var first = await (await admin.PutAsJsonAsync("/v1/offerings/CSA-BASIC", Agent(perRun: 3))).Content.ReadFromJsonAsync<JsonElement>();
        var second = await (await admin.PutAsJsonAsync("/v1/offerings/CSA-BASIC", Agent(perRun: 3))).Content.ReadFromJsonAsync<JsonElement>();

        created.StatusCode.Should().Be(HttpStatusCode.Created);
        updated.StatusCode.Should().Be(HttpStatusCode.OK);
        second.Str("updated_at").Should().Be(first.Str("updated_at"));
        var (_, read) = await admin.GetJsonAsync("/v1/offerings/CSA-BASIC");
        read.Long("credits_per_run").Should().Be(3);
    }

    [Theory]
    [InlineData("no-such-template", 2, 0, 0, "flow_template 'no-such-template' is not a known template")]
    [InlineData("customer-support-agent", -1, 0, 0, "cannot be negative")]
    [InlineData("customer-support-agent", 1, 4, 0, "max_credits_per_run")]
    public async Task Invalid_offerings_are_rejected_with_every_reason(string template, long perRun, long per1k, long max, string reason)
    {
        using var admin = await _host.AdminAsync();

        var response = await admin.PutAsJsonAsync("/v1/offerings/BAD", Agent(template, perRun, per1k, max));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.Str("code").Should().Be("invalid_offering");
        problem.Str("detail").Should().Contain(reason);
    }

    [Fact]
    public async Task A_credit_pack_must_grant_credits()
    {
        using var admin = await _host.AdminAsync();

        var response = await admin.PutAsJsonAsync("/v1/offerings/CREDITS-0", new { kind = "credits", display_name = "x", price_minor = 100, currency = "USD" });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).Str("detail").Should().Contain("credits_per_unit");
    }

    [Fact]
    public async Task An_offering_in_use_cannot_be_deleted()
    {
        await _host.SeedOfferingsAsync();
        await _host.CreateInstanceAsync(await _host.TenantAsync());
        using var admin = await _host.AdminAsync();

        var inUse = await admin.DeleteAsync("/v1/offerings/CSA-PRO");
        var unused = await admin.DeleteAsync("/v1/offerings/CREDITS-500");

        inUse.StatusCode.Should().Be(HttpStatusCode.Conflict);
        unused.StatusCode.Should().Be(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Only_platform_admins_write_offerings()
    {
        using var svc = await _host.ProvisionerAsync();
        using var buyer = await _host.BuyerAsync();

        (await svc.PutAsJsonAsync("/v1/offerings/X", Agent())).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await buyer.PutAsJsonAsync("/v1/offerings/X", Agent())).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await buyer.GetAsync("/v1/offerings")).StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
