using Cmp.Primitives;
using Cmp.Runner.Client.Contracts;

namespace Cmp.Runner.Client;

/// <summary>One event of a streamed run, as <see cref="IRunnerClient.StreamAsync"/> yields it.</summary>
public abstract record RunEvent;

/// <summary>A piece of the reply, as the model produces it.</summary>
public sealed record RunTokenEvent(string Text) : RunEvent;

/// <summary>A complete message: the user's turn, or a finished reply.</summary>
public sealed record RunMessageEvent(RunMessage Message) : RunEvent;

/// <summary>The run succeeded; always the last event. <see cref="Result"/> equals what the same run answers without streaming.</summary>
public sealed record RunEndEvent(RunResult Result) : RunEvent;

/// <summary>The run failed (before or while streaming); always the last event.</summary>
public sealed record RunErrorEvent(Error Error) : RunEvent;
