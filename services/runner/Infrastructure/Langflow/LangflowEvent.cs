using System.Text.Json;

namespace Cmp.Runner.Infrastructure.Langflow;

/// <summary>One event of Langflow's run stream: <c>{"event": "token", "data": {…}}</c>.</summary>
public sealed record LangflowEvent(string Event, JsonElement Data);
