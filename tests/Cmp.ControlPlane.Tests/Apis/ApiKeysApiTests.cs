using System.Net;
using Cmp.Testing.Postgres;

namespace Cmp.ControlPlane.Tests.Apis;

/// <summary>Instance API keys: shown once, stored hashed, verifiable by the gateway, revocable.</summary>
public sealed class ApiKeysApiTests(PostgresFixture pg) : IAsyncLifetime
{
    ControlPlaneHost _host = null!;
    string _instance = "";

    public async ValueTask InitializeAsync()
    {
        _host = await ControlPlaneHost.StartAsync(pg);
        await _host.SeedOfferingsAsync();
        _instance = (await _host.CreateInstanceAsync(await _host.TenantAsync())).Str("id");
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task A_key_is_shown_once_and_listed_by_its_prefix_only()
    {
        using var buyer = await _host.BuyerAsync();

        var (created, key) = await buyer.PostJsonAsync($"/v1/instances/{_instance}/keys", new { name = "my app" });
        var (_, list) = await buyer.GetJsonAsync($"/v1/instances/{_instance}/keys");

        created.StatusCode.Should().Be(HttpStatusCode.Created);
        created.Headers.CacheControl!.NoStore.Should().BeTrue();
        var secret = key.Str("key");
        secret.Should().StartWith(key.Str("prefix") + "_").And.StartWith("cmp_");
        list.GetRawText().Should().NotContain(secret);
        list.EnumerateArray().Single().Str("prefix").Should().Be(key.Str("prefix"));
        await using var c = new Npgsql.NpgsqlConnection(_host.Database);
        await c.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("SELECT count(*) FROM api_keys WHERE encode(hash, 'escape') LIKE '%' || @s || '%'", c);
        cmd.Parameters.AddWithValue("s", secret[^20..]);
        ((long)(await cmd.ExecuteScalarAsync())!).Should().Be(0, "only a hash of the key is stored");
    }

    [Fact]
    public async Task The_gateway_verifies_a_key_into_its_instance_tenant_and_pricing()
    {
        using var buyer = await _host.BuyerAsync();
        var (_, key) = await buyer.PostJsonAsync($"/v1/instances/{_instance}/keys", null);
        using var gateway = await _host.GatewayAsync();

        var (response, verified) = await gateway.PostJsonAsync("/v1/keys/verify", new { key = key.Str("key") });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        verified.Str("instance_id").Should().Be(_instance);
        verified.Str("offering_sku").Should().Be("CSA-PRO");
        verified.GetProperty("pricing").Long("reserve").Should().Be(2);
    }

    [Theory]
    [InlineData("cmp_nope_nope")]
    [InlineData("not-a-key")]
    [InlineData("cmp_aaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")]
    public async Task Unknown_keys_do_not_verify(string key)
    {
        using var gateway = await _host.GatewayAsync();

        var (response, problem) = await gateway.PostJsonAsync("/v1/keys/verify", new { key });

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        problem.Str("code").Should().Be("invalid_api_key");
    }

    [Fact]
    public async Task A_revoked_key_stops_verifying_and_revoking_again_is_fine()
    {
        using var buyer = await _host.BuyerAsync();
        var (_, key) = await buyer.PostJsonAsync($"/v1/instances/{_instance}/keys", null);
        using var gateway = await _host.GatewayAsync();

        var (revoke, revoked) = await buyer.DeleteJsonAsync($"/v1/keys/{key.Str("id")}");
        var (again, _) = await buyer.DeleteJsonAsync($"/v1/keys/{key.Str("id")}");
        var (verify, _) = await gateway.PostJsonAsync("/v1/keys/verify", new { key = key.Str("key") });

        revoke.StatusCode.Should().Be(HttpStatusCode.OK);
        revoked.TryGetProperty("revoked_at", out _).Should().BeTrue();
        again.StatusCode.Should().Be(HttpStatusCode.OK);
        verify.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_retried_creation_with_the_same_key_returns_the_same_key_without_its_secret()
    {
        using var buyer = await _host.BuyerAsync();

        var (first, created) = await buyer.PostJsonAsync($"/v1/instances/{_instance}/keys", new { name = "ci" }, "key-once");
        var (second, replay) = await buyer.PostJsonAsync($"/v1/instances/{_instance}/keys", new { name = "ci" }, "key-once");

        first.StatusCode.Should().Be(HttpStatusCode.Created);
        second.StatusCode.Should().Be(HttpStatusCode.OK);
        replay.Str("id").Should().Be(created.Str("id"));
        replay.TryGetProperty("key", out _).Should().BeFalse();
        var (_, list) = await buyer.GetJsonAsync($"/v1/instances/{_instance}/keys");
        list.GetArrayLength().Should().Be(1);
    }

    [Fact]
    public async Task Another_tenant_cannot_see_or_revoke_the_keys()
    {
        using var buyer = await _host.BuyerAsync();
        var (_, key) = await buyer.PostJsonAsync($"/v1/instances/{_instance}/keys", null);
        using var other = await _host.OtherAsync();

        (await other.GetAsync($"/v1/instances/{_instance}/keys")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.DeleteAsync($"/v1/keys/{key.Str("id")}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Only_services_verify_keys()
    {
        using var buyer = await _host.BuyerAsync();

        (await buyer.PostJsonAsync("/v1/keys/verify", new { key = "cmp_x" })).Response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }
}
