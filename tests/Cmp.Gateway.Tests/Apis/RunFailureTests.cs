using System.Net;
using System.Net.Http.Json;
using Cmp.Gateway.Tests.Support;

namespace Cmp.Gateway.Tests.Apis;

/// <summary>
/// When Langflow, the runner or the control plane fail, the caller gets the right status and code, the reservation
/// is released, and the balance is intact.
/// </summary>
public sealed class RunFailureTests(Platform platform) : IAsyncLifetime
{
    public async ValueTask InitializeAsync() => await platform.ResetSimAsync();
    public async ValueTask DisposeAsync() => await platform.ResetSimAsync();

    /// <summary>A fresh account (created before <paramref name="arm"/> breaks anything) runs once.</summary>
    async Task<(Account Account, HttpResponseMessage Response)> RunAsync(Func<Task>? arm = null, TestGateway? gateway = null)
    {
        var account = await platform.AccountAsync(credits: 7);
        if (arm is not null) await arm();
        using var client = (gateway ?? platform.Gateway).Client(account.Key);
        var response = await client.PostAsJsonAsync("/v1/runs", new { instance_id = account.InstanceId, input = "Hello there" });
        return (account, response);
    }

    [Fact]
    public async Task Langflow_down_is_503_and_nothing_is_charged()
    {
        // A runner whose Langflow is not listening at all (connection refused).
        var settings = platform.Identity.AuthSettings();
        settings["Http:langflow:BaseAddress"] = "http://127.0.0.1:9";
        settings["Http:langflow:MaxRetries"] = "0";
        settings["Langflow:ApiKey"] = Platform.LangflowKey;
        await using var runner = new Cmp.Testing.Hosting.ServiceFactory<Cmp.Runner.Program>(settings);
        runner.Start();
        await using var gateway = platform.StartGateway(new() { ["Http:runner:BaseAddress"] = runner.Url.ToString() });

        var (account, response) = await RunAsync(gateway: gateway);

        await response.ShouldBeUnchargedProblemAsync(HttpStatusCode.ServiceUnavailable, "langflow_unavailable");
        await platform.ShouldBeUnchargedAsync(account, 7);
    }

    [Fact]
    public async Task Langflow_resetting_every_connection_is_503_and_nothing_is_charged()
    {
        var (account, response) = await RunAsync(() => platform.ArmAsync("down", new { mode = "refuse" }));

        await response.ShouldBeUnchargedProblemAsync(HttpStatusCode.ServiceUnavailable, "langflow_connection_lost");
        await platform.ShouldBeUnchargedAsync(account, 7);
    }

    [Fact]
    public async Task A_flow_that_errors_is_502_and_nothing_is_charged()
    {
        var (account, response) = await RunAsync(() => platform.ArmAsync("errors", new { kind = "component", message = "Incorrect API key provided", count = 1 }));

        var problem = await response.ShouldBeUnchargedProblemAsync(HttpStatusCode.BadGateway, "flow_failed");
        problem.GetProperty("detail").GetString().Should().Contain("Incorrect API key provided");
        using var client = platform.Gateway.Client(account.Key);
        var run = await client.SettledRunAsync(problem.GetProperty("run_id").GetGuid());
        run.GetProperty("status").GetString().Should().Be("failed");
        run.GetProperty("error_code").GetString().Should().Be("flow_failed");
        run.GetProperty("settlement").GetString().Should().Be("released");
        await platform.ShouldBeUnchargedAsync(account, 7);
    }

    [Fact]
    public async Task Langflow_answering_500_is_502_and_nothing_is_charged()
    {
        var (account, response) = await RunAsync(() => platform.ArmAsync("errors", new { status = 500, count = 1 }));

        await response.ShouldBeUnchargedProblemAsync(HttpStatusCode.BadGateway, "flow_failed");
        await platform.ShouldBeUnchargedAsync(account, 7);
    }

    [Fact]
    public async Task A_hanging_Langflow_is_504_and_nothing_is_charged()
    {
        var (account, response) = await RunAsync(() => platform.ArmAsync("hang", new { count = 1 }));

        await response.ShouldBeUnchargedProblemAsync(HttpStatusCode.GatewayTimeout, "langflow_timeout");
        await platform.ShouldBeUnchargedAsync(account, 7);
    }

    [Fact]
    public async Task Langflow_dropping_the_connection_is_503_and_nothing_is_charged()
    {
        var (account, response) = await RunAsync(() => platform.ArmAsync("disconnect", new { count = 1 }));

        await response.ShouldBeUnchargedProblemAsync(HttpStatusCode.ServiceUnavailable, "langflow_connection_lost");
        await platform.ShouldBeUnchargedAsync(account, 7);
    }

    [Fact]
    public async Task Langflow_disconnecting_mid_stream_ends_the_stream_with_an_error_and_nothing_is_charged()
    {
        await platform.ArmAsync("disconnect", new { after_tokens = 2, count = 1 });
        var account = await platform.AccountAsync(credits: 7);
        using var client = platform.Gateway.Client(account.Key);

        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/runs")
        {
            Content = JsonContent.Create(new { instance_id = account.InstanceId, input = "Tell me a long story please", stream = true }),
        }, HttpCompletionOption.ResponseHeadersRead);
        var (events, _) = await Sse.ReadAsync(response);

        events.Count(e => e.Name == "token").Should().Be(2);
        events.Last().Name.Should().Be("error");
        events.Last().Data.GetProperty("code").GetString().Should().Be("langflow_stream_interrupted");
        events.Last().Data.GetProperty("status").GetInt32().Should().Be(502);
        events.Last().Data.GetProperty("credits_charged").GetInt64().Should().Be(0);
        await platform.ShouldBeUnchargedAsync(account, 7);
    }

    [Fact]
    public async Task A_stream_that_goes_silent_ends_with_a_timeout_and_nothing_is_charged()
    {
        await platform.ArmAsync("latency", new { ms = 0, token_delay_ms = 10_000, count = 1 });
        var account = await platform.AccountAsync(credits: 7);
        using var client = platform.Gateway.Client(account.Key);

        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/runs")
        {
            Content = JsonContent.Create(new { instance_id = account.InstanceId, input = "Hello", stream = true }),
        }, HttpCompletionOption.ResponseHeadersRead);
        var (events, _) = await Sse.ReadAsync(response);

        events.Last().Name.Should().Be("error");
        events.Last().Data.GetProperty("code").GetString().Should().Be("langflow_timeout");
        events.Last().Data.GetProperty("status").GetInt32().Should().Be(504);
        await platform.ShouldBeUnchargedAsync(account, 7);
    }

    [Fact]
    public async Task A_run_longer_than_the_gateways_limit_is_stopped_with_504_and_nothing_is_charged()
    {
        await using var gateway = platform.StartGateway(new() { ["Runs:MaxRunDuration"] = "00:00:01", ["Runs:ReservationTtl"] = "00:01:00" });
        var (account, response) = await RunAsync(() => platform.ArmAsync("latency", new { ms = 2500, count = 1 }), gateway);

        await response.ShouldBeUnchargedProblemAsync(HttpStatusCode.GatewayTimeout, "run_timeout");
        await platform.ShouldBeUnchargedAsync(account, 7);
    }

    [Fact]
    public async Task An_unreachable_runner_is_503_and_nothing_is_charged()
    {
        await using var gateway = platform.StartGateway(new() { ["Http:runner:BaseAddress"] = "http://127.0.0.1:9" });

        var (account, response) = await RunAsync(gateway: gateway);

        await response.ShouldBeUnchargedProblemAsync(HttpStatusCode.ServiceUnavailable, "runner_unavailable");
        await platform.ShouldBeUnchargedAsync(account, 7);
    }

    [Fact]
    public async Task A_control_plane_that_cannot_reserve_is_503_and_the_flow_never_runs()
    {
        await using var gateway = platform.StartGateway(new() { ["Http:control-plane:MaxRetries"] = "0" });
        gateway.ControlPlaneCalls.FailWhen(r => r.RequestUri!.AbsolutePath.EndsWith("/credits/reservations", StringComparison.Ordinal));

        var (account, response) = await RunAsync(gateway: gateway);

        var body = await Http.ReadAsync(response);
        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, body.ToString());
        body.Code().Should().Be("control_plane_unavailable");
        (await platform.SimRunsAsync()).Should().BeEmpty();
        (await platform.CreditsAsync(account.TenantId)).Should().Be(new Credits(7, 0, 7));
    }
}
