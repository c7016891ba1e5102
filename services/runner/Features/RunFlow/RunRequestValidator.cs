using System.Text.Json;
using Cmp.Primitives;
using Cmp.Runner.Client.Contracts;
using Cmp.Runner.Domain;
using Cmp.Runner.Infrastructure.Langflow;

namespace Cmp.Runner.Features.RunFlow;

/// <summary>
/// Checks a <see cref="RunRequest"/> before anything reaches Langflow, which would otherwise run a flow with whatever
/// it could make of the request. Every broken field is listed (<c>errors</c>); the first one gives the problem's code.
/// </summary>
public static class RunRequestValidator
{
    public sealed record FieldError(string Field, string Code, string Detail);

    public static Result<LangflowRun> Validate(RunRequest request, RunnerOptions limits)
    {
        var errors = new List<(string Field, Error Error)>();

        var flow = FlowRef.Parse(request.FlowId);
        if (!flow.IsSuccess) errors.Add(("flow_id", flow.Error));

        if (string.IsNullOrWhiteSpace(request.Input)) errors.Add(("input", RunnerErrors.InputRequired()));
        else if (request.Input.Length > limits.MaxInputLength) errors.Add(("input", RunnerErrors.InputTooLong(limits.MaxInputLength)));

        var session = SessionId.ParseOrNew(request.SessionId);
        if (!session.IsSuccess) errors.Add(("session_id", session.Error));

        if (request.Tweaks is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined) })
            errors.Add(("tweaks", RunnerErrors.TweaksInvalid()));

        if (errors.Count > 0)
            return errors[0].Error.With("errors", errors.Select(e => new FieldError(e.Field, e.Error.Code, e.Error.Message)).ToList());
        return new LangflowRun(flow.Value, request.Input, session.Value, request.Tweaks);
    }
}
