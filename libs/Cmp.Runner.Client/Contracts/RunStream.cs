namespace Cmp.Runner.Client.Contracts;

/// <summary>
/// The server-sent events of a streamed run (<c>text/event-stream</c>, standard framing: <c>event:</c> and
/// <c>data:</c> lines, a blank line after each event, <c>:</c> comment lines as keep-alives). A stream ends with
/// exactly one <see cref="End"/> or <see cref="Error"/>; a stream that closes without either is a failure.
/// </summary>
public static class RunStreamEvents
{
    /// <summary>A piece of the reply as the model produces it: <see cref="RunToken"/>.</summary>
    public const string Token = "token";
    /// <summary>A complete message (the user's turn, the finished reply): <see cref="RunMessage"/>.</summary>
    public const string Message = "message";
    /// <summary>Success, last event: <see cref="RunResult"/>, equal to what the same run answers without streaming.</summary>
    public const string End = "end";
    /// <summary>Failure, last event: <see cref="RunStreamError"/>.</summary>
    public const string Error = "error";
}

/// <summary>Data of a <c>token</c> event.</summary>
public sealed record RunToken(string Text);

/// <summary>
/// Data of an <c>error</c> event: the problem+json the same failure gets without streaming (<c>code</c> is stable,
/// <c>status</c> is the HTTP status it would have had).
/// </summary>
public sealed record RunStreamError(string Code, string Detail, int Status)
{
    public string? Type { get; init; }
    public string? Title { get; init; }
}
