using System.Net;
using Cmp.Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Cmp.Gateway.Tests.Apis;

/// <summary>Widget tokens: minted for one instance and one origin, usable only from that origin, only until they expire.</summary>
public sealed class WidgetTests(Platform platform) : IAsyncLifetime
{
    const string Origin = "https://shop.example.com";

    public async ValueTask InitializeAsync() => await platform.ResetSimAsync();
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    static async Task<string> InitAsync(TestGateway gateway, string bearer, Guid instance, string origin = Origin)
    {
        using var backend = gateway.Client(bearer);
        var (response, body) = await backend.PostJsonAsync("/v1/widget/session:init", new { instance_id = instance, origin });
        response.StatusCode.Should().Be(HttpStatusCode.OK, body.ToString());
        return body.GetProperty("token").GetString()!;
    }

    [Fact]
    public async Task A_backend_mints_a_short_lived_token_bound_to_an_instance_and_an_origin()
    {
        var account = await platform.AccountAsync();
        using var backend = platform.Gateway.Client(account.Key);

        var (response, body) = await backend.PostJsonAsync("/v1/widget/session:init", new { instance_id = account.InstanceId, origin = "https://Shop.Example.com:443/" });

        response.StatusCode.Should().Be(HttpStatusCode.OK, body.ToString());
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        body.GetProperty("token_type").GetString().Should().Be("Bearer");
        body.GetProperty("origin").GetString().Should().Be(Origin);
        body.GetProperty("instance_id").GetGuid().Should().Be(account.InstanceId);
        body.GetProperty("expires_in").GetInt64().Should().Be(900);
        body.GetProperty("expires_at").GetDateTimeOffset().Should().BeCloseTo(DateTimeOffset.UtcNow.AddMinutes(15), TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task The_page_runs_the_instance_from_its_origin_and_cors_answers_that_origin_only()
    {
        var account = await platform.AccountAsync(credits: 5);
        var token = await InitAsync(platform.Gateway, account.Key, account.InstanceId);
        using var page = platform.Gateway.Client(token, Origin);

        var (response, body) = await page.PostJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = "Hello from the widget" });

        response.StatusCode.Should().Be(HttpStatusCode.OK, body.ToString());
        response.Headers.GetValues("Access-Control-Allow-Origin").Should().Equal(Origin);
        response.Headers.Vary.Should().Contain("Origin");
        response.Headers.GetValues("Access-Control-Expose-Headers").Single().Should().Contain("X-Run-Id");
        body.GetProperty("usage").GetProperty("credits_charged").GetInt64().Should().Be(1);
        var (_, record) = await page.GetJsonAsync($"/v1/runs/{body.GetProperty("run_id").GetGuid()}");
        record.GetProperty("caller_kind").GetString().Should().Be("widget");
    }

    [Theory]
    [InlineData("https://evil.example.com", "origin_mismatch")]
    [InlineData("https://shop.example.com:8443", "origin_mismatch")]
    [InlineData(null, "origin_required")]
    public async Task From_any_other_origin_the_token_is_refused_and_nothing_is_charged(string? origin, string code)
    {
        var account = await platform.AccountAsync(credits: 5);
        var token = await InitAsync(platform.Gateway, account.Key, account.InstanceId);
        using var page = platform.Gateway.Client(token, origin);

        var (response, problem) = await page.PostJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = "Hello" });

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, problem.ToString());
        problem.Code().Should().Be(code);
        response.Headers.Contains("Access-Control-Allow-Origin").Should().BeFalse();
        (await platform.LedgerAsync(account.TenantId)).Select(e => e.Kind).Should().Equal("grant");
    }

    [Fact]
    public async Task An_expired_token_is_refused_and_nothing_is_charged()
    {
        var clock = new ManualClock();
        await using var gateway = platform.StartGateway(new() { ["Runs:SettlementWorkerEnabled"] = "false" }, s => s.AddSingleton<TimeProvider>(clock));
        var account = await platform.AccountAsync(credits: 5);
        var token = await InitAsync(gateway, account.Key, account.InstanceId);
        using var page = gateway.Client(token, Origin);
        (await page.PostJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = "Hello" })).Response.StatusCode.Should().Be(HttpStatusCode.OK);

        clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(5));
        var (response, problem) = await page.PostJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = "Hello again" });

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, problem.ToString());
        problem.Code().Should().Be("token_expired");
        (await platform.LedgerAsync(account.TenantId)).Count(e => e.Kind == "commit").Should().Be(1);
    }

    [Fact]
    public async Task A_token_signed_with_another_key_or_altered_is_refused()
    {
        var account = await platform.AccountAsync(credits: 5);
        await using var foreign = platform.StartGateway(new() { ["Widget:SigningKey"] = "another-gateways-signing-key-0987654321-abcdef" });
        var forged = await InitAsync(foreign, account.Key, account.InstanceId);
        var genuine = await InitAsync(platform.Gateway, account.Key, account.InstanceId);
        var parts = genuine.Split('.');
        var altered = $"{parts[0]}.{parts[1]}.{(parts[2][0] == 'A' ? 'B' : 'A')}{parts[2][1..]}";

        foreach (var token in new[] { forged, altered })
        {
            using var page = platform.Gateway.Client(token, Origin);
            var (response, problem) = await page.PostJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = "Hello" });
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            problem.Code().Should().Be("invalid_token");
        }
        (await platform.LedgerAsync(account.TenantId)).Select(e => e.Kind).Should().Equal("grant");
    }

    [Fact]
    public async Task A_token_runs_only_its_instance_and_cannot_mint_more_tokens()
    {
        var account = await platform.AccountAsync(credits: 5);
        var sibling = await platform.InstanceAsync(account.TenantId);
        var token = await InitAsync(platform.Gateway, account.Key, account.InstanceId);
        using var page = platform.Gateway.Client(token, Origin);

        var (other, p1) = await page.PostJsonAsync("/v1/runs", new { instance_id = sibling, input = "Hello" });
        var (mint, p2) = await page.PostJsonAsync("/v1/widget/session:init", new { instance_id = account.InstanceId, origin = Origin });

        other.StatusCode.Should().Be(HttpStatusCode.NotFound);
        p1.Code().Should().Be("instance_not_found");
        mint.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        p2.Code().Should().Be("forbidden");
    }

    [Fact]
    public async Task A_page_sees_only_the_runs_of_its_own_widget_session()
    {
        var account = await platform.AccountAsync(credits: 5);
        using var backend = platform.Gateway.Client(account.Key);
        await backend.PostJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = "backend run" });
        using var first = platform.Gateway.Client(await InitAsync(platform.Gateway, account.Key, account.InstanceId), Origin);
        using var second = platform.Gateway.Client(await InitAsync(platform.Gateway, account.Key, account.InstanceId), Origin);
        var (_, mine) = await first.PostJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = "visitor one" });
        var (_, theirs) = await second.PostJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = "visitor two" });

        var (_, page) = await first.GetJsonAsync("/v1/runs");
        var (hidden, _) = await first.GetJsonAsync($"/v1/runs/{theirs.GetProperty("run_id").GetGuid()}");

        page.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("id").GetGuid()).Should().Equal(mine.GetProperty("run_id").GetGuid());
        hidden.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(null, "origin_required")]
    [InlineData("not a url", "origin_invalid")]
    [InlineData("https://shop.example.com/checkout", "origin_invalid")]
    [InlineData("https://shop.example.com?x=1", "origin_invalid")]
    [InlineData("https://*.example.com", "origin_invalid")]
    [InlineData("ftp://shop.example.com", "origin_invalid")]
    [InlineData("http://shop.example.com", "origin_insecure")]
    public async Task A_bad_origin_is_422_naming_the_problem(string? origin, string code)
    {
        var account = await platform.AccountAsync();
        using var backend = platform.Gateway.Client(account.Key);

        var (response, problem) = await backend.PostJsonAsync("/v1/widget/session:init", new { instance_id = account.InstanceId, origin });

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity, problem.ToString());
        problem.Code().Should().Be(code);
        problem.GetProperty("errors")[0].GetProperty("field").GetString().Should().Be("origin");
    }

    [Fact]
    public async Task Loopback_pages_may_use_plain_http_for_development()
    {
        var account = await platform.AccountAsync();
        var token = await InitAsync(platform.Gateway, account.Key, account.InstanceId, "http://localhost:5173");
        using var page = platform.Gateway.Client(token, "http://localhost:5173");

        (await page.PostJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = "Hi" })).Response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Minting_for_someone_elses_instance_is_404()
    {
        var account = await platform.AccountAsync();
        var stranger = await platform.AccountAsync();
        using var backend = platform.Gateway.Client(account.Key);

        var (response, problem) = await backend.PostJsonAsync("/v1/widget/session:init", new { instance_id = stranger.InstanceId, origin = Origin });

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        problem.Code().Should().Be("instance_not_found");
    }

    [Fact]
    public async Task A_tenant_user_may_mint_for_their_own_instance()
    {
        var tenant = await platform.TenantAsync("buyer@example.com");
        var instance = await platform.InstanceAsync(tenant);

        var token = await InitAsync(platform.Gateway, await platform.Identity.BuyerTokenAsync(), instance);

        token.Should().StartWith("eyJ");
    }

    [Fact]
    public async Task A_preflight_from_a_page_is_answered_and_other_callers_get_no_cors_headers()
    {
        var account = await platform.AccountAsync();
        using var anonymous = platform.Gateway.Client();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/v1/runs");
        preflight.Headers.Add("Origin", Origin);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization, content-type");
        using var keyFromBrowser = platform.Gateway.Client(account.Key, Origin);

        using var answer = await anonymous.SendAsync(preflight);
        var (withKey, _) = await keyFromBrowser.PostJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = "Hi" });

        answer.StatusCode.Should().Be(HttpStatusCode.NoContent);
        answer.Headers.GetValues("Access-Control-Allow-Origin").Should().Equal(Origin);
        answer.Headers.GetValues("Access-Control-Allow-Headers").Single().Should().Contain("Authorization");
        answer.Headers.GetValues("Access-Control-Allow-Methods").Single().Should().Contain("POST");
        withKey.StatusCode.Should().Be(HttpStatusCode.OK);
        withKey.Headers.Contains("Access-Control-Allow-Origin").Should().BeFalse("API keys are for servers, not browsers");
    }

    [Fact]
    public async Task Without_a_signing_key_the_widget_is_off()
    {
        await using var gateway = platform.StartGateway(new() { ["Widget:SigningKey"] = "" });
        var account = await platform.AccountAsync();
        using var backend = gateway.Client(account.Key);

        var (response, problem) = await backend.PostJsonAsync("/v1/widget/session:init", new { instance_id = account.InstanceId, origin = Origin });

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        problem.Code().Should().Be("widget_disabled");
    }
}
