using System.Net;
using System.Text;
using Cmp.Primitives;
using Cmp.Runner.Client;
using Cmp.Runner.Client.Contracts;
using Cmp.Runner.Tests.Support;

namespace Cmp.Runner.Tests.Client;

/// <summary>The client's reading of the runner's server-sent events and problem bodies, on crafted input.</summary>
public sealed class RunnerEventStreamTests
{
    const string End = """
        event: end
        data: {"output_text":"hi","messages":[],"session_id":"s","usage":{"input_tokens":1,"output_tokens":1},"langflow_status":200}


        """;

    static async Task<List<RunEvent>> ReadAsync(string sse, int chunk = 3, bool hang = false, TimeSpan? idle = null) =>
        await RunnerEventStream.ReadAsync(new ChunkedStream(Encoding.UTF8.GetBytes(sse.Replace("\r\n", "\n")), chunk, hang), idle ?? TimeSpan.FromSeconds(10), default)
            .ToListAsync();

    [Fact]
    public async Task Events_comments_and_unknown_event_types_are_handled()
    {
        var events = await ReadAsync(": keep-alive\n\nevent: token\ndata: {\"text\":\"h\"}\n\nevent: progress\ndata: {}\n\nevent: message\ndata: {\"role\":\"assistant\",\"text\":\"hi\"}\n\n" + End);

        events.Should().HaveCount(3);
        events[0].Should().Be(new RunTokenEvent("h"));
        events[1].Should().BeOfType<RunMessageEvent>().Which.Message.Text.Should().Be("hi");
        var end = events[2].Should().BeOfType<RunEndEvent>().Which.Result;
        end.OutputText.Should().Be("hi");
        end.Usage.TotalTokens.Should().Be(2);
    }

    [Fact]
    public async Task An_error_event_becomes_an_error_of_the_kind_its_status_says()
    {
        var events = await ReadAsync("event: error\ndata: {\"code\":\"flow_failed\",\"detail\":\"boom\",\"status\":502}\n\n");

        var error = events.Should().ContainSingle().Which.Should().BeOfType<RunErrorEvent>().Which.Error;
        error.Should().Match<Error>(e => e.Code == "flow_failed" && e.Message == "boom" && e.Kind == ErrorKind.Upstream);
    }

    [Fact]
    public async Task A_stream_that_ends_without_end_or_error_is_interrupted()
    {
        var events = await ReadAsync("event: token\ndata: {\"text\":\"h\"}\n\n");

        events.Last().Should().BeOfType<RunErrorEvent>().Which.Error.Code.Should().Be(RunnerErrorCodes.RunnerStreamInterrupted);
    }

    [Fact]
    public async Task Garbage_data_is_a_bad_response()
    {
        var events = await ReadAsync("event: token\ndata: {not json\n\n" + End);

        events.Should().ContainSingle().Which.Should().BeOfType<RunErrorEvent>().Which.Error.Code.Should().Be(RunnerErrorCodes.RunnerBadResponse);
    }

    [Fact]
    public async Task A_stream_that_goes_silent_times_out()
    {
        var events = await ReadAsync("event: token\ndata: {\"text\":\"h\"}\n\n", hang: true, idle: TimeSpan.FromMilliseconds(200));

        events.Last().Should().BeOfType<RunErrorEvent>().Which.Error.Kind.Should().Be(ErrorKind.Timeout);
    }

    [Fact]
    public async Task A_non_problem_error_body_still_gives_a_usable_error()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.BadGateway) { Content = new StringContent("<html>bad gateway</html>") };

        var error = await RunnerProblems.ReadAsync(response, default);

        error.Should().Match<Error>(e => e.Code == "runner_http_502" && e.Kind == ErrorKind.Upstream);
        error.Message.Should().Contain("502");
    }

    [Fact]
    public async Task Problem_extension_members_are_kept_as_details()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.UnprocessableEntity)
        {
            Content = new StringContent("""{"type":"t","title":"x","status":422,"detail":"d","code":"tweaks_refused","fields":["code"]}"""),
        };

        var error = await RunnerProblems.ReadAsync(response, default);

        error.Code.Should().Be("tweaks_refused");
        error.Kind.Should().Be(ErrorKind.Validation);
        error.Details.Should().ContainKeys("status", "fields");
    }

    [Fact]
    public void Transport_failures_are_errors_and_bugs_are_not()
    {
        RunnerProblems.FromTransport(new HttpRequestException(HttpRequestError.ConnectionError, "refused"))!.Kind.Should().Be(ErrorKind.Transient);
        RunnerProblems.FromTransport(new TaskCanceledException("connect", new TimeoutException()))!.Kind.Should().Be(ErrorKind.Transient);
        RunnerProblems.FromTransport(new Polly.Timeout.TimeoutRejectedException())!.Kind.Should().Be(ErrorKind.Timeout);
        RunnerProblems.FromTransport(new Polly.CircuitBreaker.BrokenCircuitException())!.Kind.Should().Be(ErrorKind.Transient);
        RunnerProblems.FromTransport(new InvalidOperationException("a bug")).Should().BeNull();
    }
}
