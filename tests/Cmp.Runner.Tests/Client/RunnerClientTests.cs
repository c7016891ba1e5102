using System.Text.Json;
using Cmp.Primitives;
using Cmp.Runner.Client;
using Cmp.Runner.Client.Contracts;
using Cmp.Runner.Tests.Support;
using Cmp.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cmp.Runner.Tests.Client;

/// <summary>The typed client as the gateway and the control plane use it, against the real runner (and the Langflow simulator behind it).</summary>
public sealed class RunnerClientTests(RunnerClientTests.Harness h) : IClassFixture<RunnerClientTests.Harness>, IAsyncLifetime
{
    public sealed class Harness : RunnerHarness
    {
        protected override Dictionary<string, string?> Overrides() => new() { ["Http:langflow:AttemptTimeout"] = "00:00:01" };
    }

    ServiceProvider _services = null!;
    IRunnerClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        await h.ResetSimAsync();
        _services = Services(h.Runner.Url);
        _client = _services.GetRequiredService<IRunnerClient>();
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    /// <summary>What a calling service registers: <c>AddRunnerClient</c> with its own service credentials.</summary>
    ServiceProvider Services(Uri runner, Action<Dictionary<string, string?>>? edit = null)
    {
        var settings = h.Identity.ServiceAuthSettings("cmp-gateway");
        settings["Http:runner:BaseAddress"] = runner.ToString();
        settings["Http:runner:BaseDelay"] = "00:00:00.010";
        edit?.Invoke(settings);
        var services = new ServiceCollection().AddLogging();
        services.AddRunnerClient(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services.BuildServiceProvider();
    }

    static RunRequest Run(string input, string session, string flow = RunnerHarness.AgentFlowId, string? tweaks = null) =>
        new(flow, input) { SessionId = session, Tweaks = tweaks is null ? null : JsonDocument.Parse(tweaks).RootElement };

    [Fact]
    public async Task RunAsync_returns_the_normalised_result()
    {
        var result = await _client.RunAsync(Run("Where is the treasure?", "c-run", tweaks: """{"Prompt-Lm8Np": {"persona": "a pirate"}}"""));

        result.IsSuccess.Should().BeTrue(result.ToString());
        var run = result.Value;
        run.OutputText.Should().Be("[You are a pirate.] Where is the treasure? (turn 1)");
        run.SessionId.Should().Be("c-run");
        run.LangflowStatus.Should().Be(200);
        run.Messages.Select(m => m.Role).Should().Equal("user", "assistant");
        run.Usage.Reported.Should().BeTrue();
        run.Usage.OutputTokens.Should().BePositive();
        run.Usage.TotalTokens.Should().Be(run.Usage.InputTokens + run.Usage.OutputTokens);
    }

    [Fact]
    public async Task StreamAsync_yields_tokens_as_they_come_and_ends_with_the_same_result_as_RunAsync()
    {
        var sync = (await _client.RunAsync(Run("Same question", "c-same"))).Value;
        await h.ResetSimAsync();

        var events = await _client.StreamAsync(Run("Same question", "c-same")).ToListAsync();

        events.OfType<RunTokenEvent>().Should().NotBeEmpty();
        string.Concat(events.OfType<RunTokenEvent>().Select(t => t.Text)).Should().Be(sync.OutputText);
        events.OfType<RunMessageEvent>().Select(m => m.Message.Role).Should().Equal("user", "assistant");
        events.Last().Should().BeOfType<RunEndEvent>().Which.Result.Should().BeEquivalentTo(sync);
    }

    [Fact]
    public async Task Failures_come_back_as_errors_of_the_right_kind()
    {
        Expect(await _client.RunAsync(Run("Hi", "c-404", flow: "no-such-flow")), ErrorKind.NotFound, RunnerErrorCodes.FlowNotFound, 404);
        Expect(await _client.RunAsync(Run("", "c-422")), ErrorKind.Validation, RunnerErrorCodes.InputRequired, 422);
        Expect(await _client.RunAsync(Run("Hi", "c-tweak", tweaks: "[1]")), ErrorKind.Validation, RunnerErrorCodes.TweaksInvalid, 422);

        await h.ArmAsync("errors", new { kind = "component", message = "Incorrect API key provided", count = 1 });
        var failed = Expect(await _client.RunAsync(Run("Hi", "c-502")), ErrorKind.Upstream, RunnerErrorCodes.FlowFailed, 502);
        failed.Message.Should().Contain("Incorrect API key provided");

        await h.ArmAsync("errors", new { status = 503, count = 1 });
        Expect(await _client.RunAsync(Run("Hi", "c-503")), ErrorKind.Transient, RunnerErrorCodes.LangflowUnavailable, 503);

        await h.ArmAsync("hang", new { count = 1 });
        Expect(await _client.RunAsync(Run("Hi", "c-504")), ErrorKind.Timeout, RunnerErrorCodes.LangflowTimeout, 504);
    }

    [Fact]
    public async Task A_misconfigured_runner_is_a_permanent_error()
    {
        await using var runner = h.StartRunner(h.RunnerSettings(new() { ["Langflow:ApiKey"] = "sk-not-the-right-key" }));
        await using var services = Services(runner.Url);

        var result = await services.GetRequiredService<IRunnerClient>().RunAsync(Run("Hi", "c-500"));

        var error = Expect(result, ErrorKind.Permanent, RunnerErrorCodes.LangflowAuthFailed, 500);
        error.Details["setting"].Should().BeOfType<JsonElement>().Which.GetString().Should().Be("Langflow:ApiKey");
    }

    [Fact]
    public async Task A_stream_that_fails_midway_ends_with_an_error_event_after_its_tokens()
    {
        await h.ArmAsync("errors", new { kind = "component", message = "Quota exceeded", after_tokens = 2, count = 1 });

        var events = await _client.StreamAsync(Run("Hello there", "c-mid")).ToListAsync();

        events.OfType<RunTokenEvent>().Should().HaveCount(2);
        var error = events.Last().Should().BeOfType<RunErrorEvent>().Which.Error;
        error.Kind.Should().Be(ErrorKind.Upstream);
        error.Code.Should().Be(RunnerErrorCodes.FlowFailed);
        error.Message.Should().Contain("Quota exceeded");
    }

    [Fact]
    public async Task A_stream_refused_before_it_starts_is_a_single_error_event()
    {
        var events = await _client.StreamAsync(Run("Hi", "c-refused", flow: "no-such-flow")).ToListAsync();

        events.Should().ContainSingle().Which.Should().BeOfType<RunErrorEvent>()
            .Which.Error.Should().Match<Error>(e => e.Kind == ErrorKind.NotFound && e.Code == RunnerErrorCodes.FlowNotFound);
    }

    [Fact]
    public async Task Stopping_the_enumeration_cancels_the_run_in_langflow()
    {
        await h.ArmAsync("latency", new { ms = 0, token_delay_ms = 250, count = 1 });

        await foreach (var e in _client.StreamAsync(Run("A long answer would follow", "c-stop")))
            if (e is RunTokenEvent) break;

        var outcome = await Poller.ValueAsync(async () =>
            (await h.RunsAsync()).Single().GetProperty("outcome").GetString() is var o && o != "pending" ? o : null,
            "Langflow to see the run's connection close", TimeSpan.FromSeconds(10));
        outcome.Should().Be("client_gone");
        (await h.RunsAsync()).Single().GetProperty("tokens").GetInt32().Should().BeLessThan(4);
    }

    [Fact]
    public async Task The_callers_own_cancellation_throws()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var act = () => _client.RunAsync(Run("Hi", "c-cancel"), cancelled.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task Flows_are_imported_idempotently_read_and_deleted()
    {
        var id = Guid.NewGuid();
        var flow = JsonSerializer.SerializeToElement(RunnerHarness.FlowVariant(id.ToString(), "Client Imported"));

        var created = await _client.ImportFlowAsync(id, flow);
        var again = await _client.ImportFlowAsync(id, flow);
        var read = await _client.GetFlowAsync(id);

        created.Value.Created.Should().BeTrue();
        again.Value.Created.Should().BeFalse();
        again.Value.Flow.GetProperty("id").GetString().Should().Be(id.ToString());
        read.Value.GetProperty("name").GetString().Should().Be("Client Imported");

        (await _client.DeleteFlowAsync(id)).IsSuccess.Should().BeTrue();
        (await _client.DeleteFlowAsync(id)).IsSuccess.Should().BeTrue("deleting a missing flow is success");
        Expect(await _client.GetFlowAsync(id), ErrorKind.NotFound, RunnerErrorCodes.FlowNotFound, 404);
    }

    [Fact]
    public async Task Flow_clashes_and_bad_documents_are_conflict_and_validation_errors()
    {
        var id = Guid.NewGuid();
        var clash = JsonSerializer.SerializeToElement(RunnerHarness.FlowVariant(id.ToString(), "Client Clash", f => f["endpoint_name"] = RunnerHarness.AgentEndpoint));

        Expect(await _client.ImportFlowAsync(id, clash), ErrorKind.Conflict, RunnerErrorCodes.FlowConflict, 409);
        Expect(await _client.ImportFlowAsync(id, JsonDocument.Parse("[]").RootElement), ErrorKind.Validation, RunnerErrorCodes.FlowDocumentInvalid, 422);
    }

    [Fact]
    public async Task An_unreachable_runner_is_a_transient_error_for_every_call()
    {
        await using var services = Services(new Uri($"http://127.0.0.1:{FreePort.Next()}/"), s => s["Http:runner:MaxRetries"] = "0");
        var client = services.GetRequiredService<IRunnerClient>();

        Expect(await client.RunAsync(Run("Hi", "c-down")), ErrorKind.Transient, RunnerErrorCodes.RunnerUnavailable, null);
        Expect(await client.GetFlowAsync(Guid.NewGuid()), ErrorKind.Transient, RunnerErrorCodes.RunnerUnavailable, null);
        var events = await client.StreamAsync(Run("Hi", "c-down")).ToListAsync();
        events.Should().ContainSingle().Which.Should().BeOfType<RunErrorEvent>().Which.Error.Kind.Should().Be(ErrorKind.Transient);
    }

    [Fact]
    public void AddRunnerClient_registers_once_and_requires_a_base_address()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(h.Identity.ServiceAuthSettings("cmp-gateway")).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddRunnerClient(config).AddRunnerClient(config);

        services.Count(d => d.ServiceType == typeof(IRunnerClient)).Should().Be(1);
        using var provider = services.BuildServiceProvider();
        var act = () => provider.GetRequiredService<IHttpClientFactory>().CreateClient(RunnerClient.ClientName);
        act.Should().Throw<OptionsValidationException>().WithMessage("*Http:runner:BaseAddress is required*");
    }

    static Error Expect<T>(Result<T> result, ErrorKind kind, string code, int? status)
    {
        result.IsSuccess.Should().BeFalse($"expected {code}");
        var error = result.Error!;
        error.Kind.Should().Be(kind, error.ToString());
        error.Code.Should().Be(code, error.ToString());
        if (status is { } s) error.Details["status"].Should().Be(s);
        return error;
    }
}
