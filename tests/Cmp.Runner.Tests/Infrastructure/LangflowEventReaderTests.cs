using System.Text;
using Cmp.Primitives;
using Cmp.Runner.Client.Contracts;
using Cmp.Runner.Domain;
using Cmp.Runner.Infrastructure.Langflow;
using Cmp.Runner.Tests.Support;
using Cmp.Testing;

namespace Cmp.Runner.Tests.Infrastructure;

/// <summary>Langflow's stream framing (bare JSON objects separated by blank lines), checked against the reference capture.</summary>
public sealed class LangflowEventReaderTests
{
    static readonly FlowRef Flow = FlowRef.Parse("cmp-agent").Value;

    static byte[] Reference() => File.ReadAllBytes(RepoPaths.RequireReference("langflow/examples/stream-events.ndjson"));

    static async Task<List<Result<LangflowEvent>>> ReadAsync(Stream body, int maxEventBytes = 1 << 20, TimeSpan? idle = null, CancellationToken ct = default)
    {
        var events = new List<Result<LangflowEvent>>();
        await foreach (var e in LangflowEventReader.ReadAsync(body, Flow, maxEventBytes, idle ?? TimeSpan.FromSeconds(10), CancellationToken.None, ct))
            events.Add(e);
        return events;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    [InlineData(1 << 20)]
    public async Task The_reference_stream_reads_the_same_whatever_the_chunking(int chunk)
    {
        var events = await ReadAsync(new ChunkedStream(Reference(), chunk));

        events.Should().OnlyContain(e => e.IsSuccess);
        events.Select(e => e.Value.Event).Should().Equal(
            "add_message", "add_message", "token", "token", "token", "token", "token", "token", "token", "add_message", "end");
        string.Concat(events.Where(e => e.Value.Event == "token").Select(e => e.Value.Data.GetProperty("chunk").GetString()))
            .Should().Be("Hello! How can I help?");
    }

    [Fact]
    public async Task Crlf_line_ends_and_a_last_event_without_a_newline_are_read()
    {
        var body = "{\"event\": \"token\", \"data\": {\"chunk\": \"a\"}}\r\n\r\n{\"event\": \"end\", \"data\": {}}"u8.ToArray();

        var events = await ReadAsync(new ChunkedStream(body, 5));

        events.Select(e => e.Value.Event).Should().Equal("token", "end");
    }

    [Fact]
    public async Task Real_sse_framing_is_understood_too()
    {
        var body = ": comment\nevent: token\ndata: {\"event\": \"token\", \"data\": {\"chunk\": \"a\"}}\nid: 1\n\n"u8.ToArray();

        var events = await ReadAsync(new MemoryStream(body));

        events.Should().ContainSingle().Which.Value.Event.Should().Be("token");
    }

    [Theory]
    [InlineData("not json at all\n\n")]
    [InlineData("[1, 2]\n\n")]
    [InlineData("{\"data\": {}}\n\n")]
    public async Task A_line_that_is_not_an_event_stops_the_stream_with_bad_response(string body)
    {
        var events = await ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes("{\"event\": \"token\", \"data\": {\"chunk\": \"a\"}}\n\n" + body + "{\"event\": \"end\", \"data\": {}}\n\n")));

        events.Should().HaveCount(2);
        events[1].Error!.Code.Should().Be(RunnerErrorCodes.LangflowBadResponse);
    }

    [Fact]
    public async Task An_event_larger_than_the_limit_is_refused_without_buffering_it_whole()
    {
        var huge = Encoding.UTF8.GetBytes("{\"event\": \"token\", \"data\": {\"chunk\": \"" + new string('x', 64 * 1024) + "\"}}\n\n");

        var events = await ReadAsync(new ChunkedStream(huge, 1024), maxEventBytes: 8 * 1024);

        events.Should().ContainSingle().Which.Error!.Message.Should().Contain("Langflow:MaxStreamEventBytes");
    }

    [Fact]
    public async Task A_silent_stream_ends_with_a_timeout_after_the_idle_limit()
    {
        var events = await ReadAsync(new ChunkedStream("{\"event\": \"token\", \"data\": {\"chunk\": \"a\"}}\n\n"u8.ToArray(), 4096, hangAtEnd: true),
            idle: TimeSpan.FromMilliseconds(200));

        events.Should().HaveCount(2);
        events[1].Error!.Code.Should().Be(RunnerErrorCodes.LangflowTimeout);
        events[1].Error!.Message.Should().Contain("Langflow:StreamIdleTimeout");
    }

    [Fact]
    public async Task A_broken_connection_is_an_interruption()
    {
        var events = await ReadAsync(new BrokenStream());

        events.Should().ContainSingle().Which.Error!.Code.Should().Be(RunnerErrorCodes.LangflowStreamInterrupted);
    }

    [Fact]
    public async Task The_callers_cancellation_throws()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        var act = () => ReadAsync(new ChunkedStream([], 1, hangAtEnd: true), ct: cts.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    sealed class BrokenStream : MemoryStream
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) =>
            ValueTask.FromException<int>(new IOException("Connection reset by peer"));
    }
}
