using System.Net;
using Cmp.ControlPlane.Tests.Apis;
using Cmp.Primitives;
using Cmp.Testing;
using Cmp.Testing.Postgres;

namespace Cmp.ControlPlane.Tests.Features.Instances;

/// <summary>Instances from creation to deletion: exactly-once creation by key, the flow import that makes them Ready
/// (with retries visible in the status), and who may suspend, resume and delete.</summary>
public sealed class InstanceLifecycleTests(PostgresFixture pg) : IAsyncLifetime
{
    ControlPlaneHost _host = null!;
    HttpClient _svc = null!;
    Guid _tenant;

    public async ValueTask InitializeAsync()
    {
        _host = await ControlPlaneHost.StartAsync(pg);
        await _host.SeedOfferingsAsync();
        _svc = await _host.ProvisionerAsync();
        _tenant = await _host.TenantAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _svc.Dispose();
        await _host.DisposeAsync();
    }

    Task<(HttpResponseMessage Response, System.Text.Json.JsonElement Body)> Create(string key, string sku = "CSA-PRO", Guid? tenant = null) =>
        _svc.PostJsonAsync("/v1/instances", new { tenant_id = tenant ?? _tenant, offering_sku = sku, source = new { order_id = "Order:9", line_id = "Line:9", unit = 0 } }, key);

    async Task<System.Text.Json.JsonElement> WaitForStatus(string id, string status) =>
        await Poller.StructAsync(async () =>
        {
            var (_, body) = await _svc.GetJsonAsync($"/v1/instances/{id}");
            return body.Str("status") == status ? (System.Text.Json.JsonElement?)body : null;
        }, $"instance {id} to be {status}");

    [Fact]
    public async Task A_new_instance_imports_its_flow_and_becomes_ready()
    {
        var (response, created) = await Create("Order:9/Line:9/0");

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        response.Headers.Location!.ToString().Should().Be($"/v1/instances/{created.Str("id")}");
        created.Str("status").Should().Be("Provisioning");
        var ready = await WaitForStatus(created.Str("id"), "Ready");
        var flow = _host.Flows.Imported[Guid.Parse(ready.Str("flow_id"))];
        flow["id"]!.GetValue<string>().Should().Be(ready.Str("flow_id"));
        flow["name"]!.GetValue<string>().Should().Be($"cmp-{created.Str("id")}");
        flow["data"]!["nodes"]!.AsArray().Should().NotBeEmpty();
    }

    [Fact]
    public async Task The_same_key_creates_one_instance_and_grants_its_credits_once()
    {
        var keys = Enumerable.Repeat("Order:9/Line:9/0", 5);

        var results = await Task.WhenAll(keys.Select(k => Create(k)));

        results.Select(r => r.Body.Str("id")).Distinct().Should().ContainSingle();
        results.Count(r => r.Response.StatusCode == HttpStatusCode.Created).Should().Be(1);
        results.Where(r => r.Response.StatusCode == HttpStatusCode.OK)
            .Should().OnlyContain(r => r.Response.Headers.GetValues("Idempotent-Replayed").Single() == "true");
        var (_, credits) = await _svc.GetJsonAsync($"/v1/tenants/{_tenant}/credits");
        credits.Long("balance").Should().Be(100);   // CSA-PRO includes 100 credits, granted once
        var (_, list) = await _svc.GetJsonAsync($"/v1/tenants/{_tenant}/instances");
        list.GetArrayLength().Should().Be(1);
    }

    [Fact]
    public async Task The_same_key_for_a_different_offering_is_a_conflict()
    {
        await Create("k1");

        var (response, problem) = await Create("k1", "KBA-TOKENS");

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        problem.Str("code").Should().Be("idempotency_key_reused");
    }

    [Theory]
    [InlineData("NOPE", "unknown_offering")]
    [InlineData("CREDITS-500", "not_an_agent_offering")]
    public async Task Bad_offerings_are_rejected_with_the_reason(string sku, string code)
    {
        var (response, problem) = await Create($"bad-{sku}", sku);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        problem.Str("code").Should().Be(code);
    }

    [Fact]
    public async Task An_unknown_tenant_is_404()
    {
        var (response, problem) = await Create("ghost", tenant: Guid.NewGuid());

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        problem.Str("code").Should().Be("tenant_not_found");
    }

    [Fact]
    public async Task A_failing_import_is_retried_with_the_error_visible_then_succeeds()
    {
        _host.Flows.FailNext(2, Error.Transient("runner_error", "Langflow answered 503"));

        var (_, created) = await Create("retry-me");

        var ready = await WaitForStatus(created.Str("id"), "Ready");
        ready.Long("provisioning_attempts").Should().Be(3);
        _host.Flows.ImportCalls.Should().BeGreaterThanOrEqualTo(3);
    }

    [Fact]
    public async Task Import_retries_are_visible_while_they_last()
    {
        await using var slow = await ControlPlaneHost.StartAsync(pg, new() { ["Provisioning:BaseDelay"] = "00:00:30", ["Provisioning:MaxDelay"] = "00:01:00" });
        await slow.SeedOfferingsAsync();
        slow.Flows.FailNext(1, Error.Transient("runner_error", "Langflow answered 503"));
        var tenant = await slow.TenantAsync();

        var created = await slow.CreateInstanceAsync(tenant);

        using var svc = await slow.ProvisionerAsync();
        var pending = await Poller.StructAsync(async () =>
        {
            var (_, body) = await svc.GetJsonAsync($"/v1/instances/{created.Str("id")}");
            return body.Long("provisioning_attempts") == 1 ? (System.Text.Json.JsonElement?)body : null;
        }, "the first failed attempt");
        pending.Str("status").Should().Be("Provisioning");
        pending.Str("status_reason").Should().Contain("attempt 1 of 4").And.Contain("Langflow answered 503");
    }

    [Fact]
    public async Task An_import_that_keeps_failing_ends_failed_and_an_admin_can_retry_it()
    {
        _host.Flows.FailNext(4, Error.Transient("runner_error", "Langflow down"));
        var (_, created) = await Create("doomed");
        var id = created.Str("id");

        var failed = await WaitForStatus(id, "Failed");
        failed.Str("status_reason").Should().Contain("after 4 attempt(s)");

        using var admin = await _host.AdminAsync();
        var (retry, _) = await admin.PostJsonAsync($"/v1/instances/{id}/retry", null);
        retry.StatusCode.Should().Be(HttpStatusCode.OK);
        await WaitForStatus(id, "Ready");
    }

    [Fact]
    public async Task A_rejected_flow_fails_at_once_without_retrying()
    {
        _host.Flows.FailNext(1, Error.Validation("flow_rejected", "name clash"));

        var (_, created) = await Create("rejected");

        var failed = await WaitForStatus(created.Str("id"), "Failed");
        failed.Long("provisioning_attempts").Should().Be(1);
    }

    [Fact]
    public async Task A_tenant_suspends_and_resumes_its_own_instance()
    {
        var (_, created) = await Create("own");
        var id = created.Str("id");
        await WaitForStatus(id, "Ready");
        using var buyer = await _host.BuyerAsync();

        var (suspend, suspended) = await buyer.PostJsonAsync($"/v1/instances/{id}/suspend", new { reason = "holiday" });
        var (resume, resumed) = await buyer.PostJsonAsync($"/v1/instances/{id}/resume", null);

        suspend.StatusCode.Should().Be(HttpStatusCode.OK);
        suspended.Str("status").Should().Be("Suspended");
        suspended.Str("suspended_by").Should().Be("tenant");
        resume.StatusCode.Should().Be(HttpStatusCode.OK);
        resumed.Str("status").Should().Be("Ready");
    }

    [Fact]
    public async Task A_tenant_cannot_resume_what_the_platform_suspended_and_nobody_resumes_a_refund()
    {
        var (_, created) = await Create("policed");
        var id = created.Str("id");
        await WaitForStatus(id, "Ready");
        using var admin = await _host.AdminAsync();
        using var buyer = await _host.BuyerAsync();

        await admin.PostJsonAsync($"/v1/instances/{id}/suspend", new { reason = "abuse" });
        var (byTenant, problem) = await buyer.PostJsonAsync($"/v1/instances/{id}/resume", null);
        await _svc.PostJsonAsync($"/v1/instances/{id}/suspend", new { cause = "refund", reason = "order refunded" });
        var (byAdmin, refunded) = await admin.PostJsonAsync($"/v1/instances/{id}/resume", null);

        byTenant.StatusCode.Should().Be(HttpStatusCode.Conflict);
        problem.Str("code").Should().Be("suspended_by_platform");
        byAdmin.StatusCode.Should().Be(HttpStatusCode.Conflict);
        refunded.Str("code").Should().Be("instance_refunded");
    }

    [Fact]
    public async Task Only_services_suspend_for_a_refund()
    {
        var (_, created) = await Create("not-yours-to-refund");
        using var buyer = await _host.BuyerAsync();

        var (response, _) = await buyer.PostJsonAsync($"/v1/instances/{created.Str("id")}/suspend", new { cause = "refund" });

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Suspended_while_provisioning_it_resumes_provisioning_and_ends_ready()
    {
        await using var slow = await ControlPlaneHost.StartAsync(pg, new() { ["Workers:Enabled"] = "false" });
        await slow.SeedOfferingsAsync();
        var tenant = await slow.TenantAsync();
        var created = await slow.CreateInstanceAsync(tenant);
        using var svc = await slow.ProvisionerAsync();

        var (_, suspended) = await svc.PostJsonAsync($"/v1/instances/{created.Str("id")}/suspend", null);
        var (_, resumed) = await svc.PostJsonAsync($"/v1/instances/{created.Str("id")}/resume", null);

        suspended.Str("status").Should().Be("Suspended");
        resumed.Str("status").Should().Be("Provisioning");
    }

    [Fact]
    public async Task Deleting_revokes_keys_at_once_and_removes_the_flow()
    {
        var (_, created) = await Create("to-delete");
        var id = created.Str("id");
        var ready = await WaitForStatus(id, "Ready");
        using var buyer = await _host.BuyerAsync();
        var (_, key) = await buyer.PostJsonAsync($"/v1/instances/{id}/keys", new { name = "ci" });

        var (deleted, body) = await buyer.DeleteJsonAsync($"/v1/instances/{id}");

        deleted.StatusCode.Should().Be(HttpStatusCode.OK);
        body.Str("status").Should().Be("Deleted");
        var (verify, _) = await _svc.PostJsonAsync("/v1/keys/verify", new { key = key.Str("key") });
        verify.StatusCode.Should().Be(HttpStatusCode.NotFound);
        await Poller.UntilAsync(() => Task.FromResult(_host.Flows.Deleted.Contains(Guid.Parse(ready.Str("flow_id")))), "the flow to be removed");
        (await buyer.DeleteJsonAsync($"/v1/instances/{id}")).Response.StatusCode.Should().Be(HttpStatusCode.OK);   // again: still fine
    }

    [Fact]
    public async Task Another_tenants_instance_is_not_found()
    {
        var (_, created) = await Create("buyers");
        using var other = await _host.OtherAsync();

        (await other.GetAsync($"/v1/instances/{created.Str("id")}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.PostJsonAsync($"/v1/instances/{created.Str("id")}/suspend", null)).Response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.PostJsonAsync($"/v1/instances/{created.Str("id")}/keys", null)).Response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.GetAsync($"/v1/tenants/{_tenant}/instances")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Tenants_cannot_create_instances_or_list_other_orders()
    {
        using var buyer = await _host.BuyerAsync();

        var (create, _) = await buyer.PostJsonAsync("/v1/instances", new { tenant_id = _tenant, offering_sku = "CSA-PRO" }, "self-service");
        var list = await buyer.GetAsync("/v1/instances?order_id=Order:9");

        create.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        list.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Instances_of_an_order_are_listed_for_refund_handling()
    {
        await Create("Order:9/Line:9/0");
        await Create("Order:9/Line:9/1");
        await _svc.PostJsonAsync("/v1/instances", new { tenant_id = _tenant, offering_sku = "CSA-PRO", source = new { order_id = "Order:10", line_id = "L", unit = 0 } }, "Order:10/L/0");

        var (_, list) = await _svc.GetJsonAsync("/v1/instances?order_id=Order:9");
        var (_, other) = await _svc.GetJsonAsync("/v1/instances?order_id=Order:10");

        list.GetArrayLength().Should().Be(2, "only that order's instances, never everyone's");
        list.EnumerateArray().Should().OnlyContain(i => i.GetProperty("source").GetProperty("order_id").GetString() == "Order:9");
        other.GetArrayLength().Should().Be(1);
        list.EnumerateArray().First().GetProperty("pricing").Long("credits_per_run").Should().Be(2);
    }
}
