using Cmp.Primitives;
using Cmp.Runner.Client.Contracts;

namespace Cmp.Runner.Domain;

/// <summary>
/// Every failure the runner reports, with its stable code (<see cref="RunnerErrorCodes"/>) and kind. The kind decides
/// the HTTP status (Validation 422, NotFound 404, Conflict 409, Upstream 502, Transient 503, Timeout 504,
/// Permanent 500). Messages name what to fix and never carry the Langflow API key.
/// </summary>
public static class RunnerErrors
{
    const string ApiKeySetting = "Langflow:ApiKey";

    // The caller's request.
    public static Error FlowIdInvalid(string message) => Error.Validation(RunnerErrorCodes.FlowIdInvalid, message);
    public static Error InputRequired() => Error.Validation(RunnerErrorCodes.InputRequired, "input is required: the message for the flow's Chat Input.");
    public static Error InputTooLong(int max) => Error.Validation(RunnerErrorCodes.InputTooLong, $"input is longer than the {max} characters this runner accepts.");
    public static Error SessionIdInvalid(string message) => Error.Validation(RunnerErrorCodes.SessionIdInvalid, message);
    public static Error TweaksInvalid() => Error.Validation(RunnerErrorCodes.TweaksInvalid,
        "tweaks must be a JSON object keyed by component id or display name, e.g. {\"Prompt-Lm8Np\": {\"persona\": \"a pirate\"}}.");
    public static Error TweakConflictsWithInput(string langflowDetail) => Error.Validation(RunnerErrorCodes.TweakConflictsWithInput,
        $"A tweak sets the Chat Input's input_value while the run also has an input; send the text as input only. Langflow: {langflowDetail}");
    public static Error TweaksRefused(string langflowDetail) => Error.Validation(RunnerErrorCodes.TweaksRefused,
        $"Langflow refused the tweaks: {langflowDetail}");
    public static Error FlowDocumentInvalid(string message) => Error.Validation(RunnerErrorCodes.FlowDocumentInvalid, message);

    // The flow.
    public static Error FlowNotFound(string flow) => Error.NotFound(RunnerErrorCodes.FlowNotFound,
        $"Langflow has no flow '{flow}' (by id or endpoint name) for the runner's API key.").With("flow_id", flow);
    public static Error FlowConflict(string langflowDetail) => Error.Conflict(RunnerErrorCodes.FlowConflict,
        $"Another flow already uses this name or endpoint name. Langflow: {langflowDetail}");

    // Langflow ran the flow, or tried, and it failed: retrying the same run fails the same way.
    public static Error FlowFailed(string flow, string message) => new Error(RunnerErrorCodes.FlowFailed,
        $"The flow failed in Langflow: {message}", ErrorKind.Upstream).With("flow_id", flow);
    public static Error FlowInvalid(string flow, string message) => new Error(RunnerErrorCodes.FlowInvalid,
        $"The flow cannot run; it is broken or incomplete. Langflow: {message}", ErrorKind.Upstream).With("flow_id", flow);
    public static Error NoReply(string flow) => new Error(RunnerErrorCodes.NoReply,
        "The flow finished without a reply: it has no Chat Output component, or its output is empty.", ErrorKind.Upstream).With("flow_id", flow);
    public static Error LangflowError(int status, string message) => new Error(RunnerErrorCodes.LangflowError,
        $"Langflow failed ({status}): {message}", ErrorKind.Upstream).With("langflow_status", status);
    public static Error LangflowBadResponse(string reason) => new(RunnerErrorCodes.LangflowBadResponse,
        $"Langflow answered with something the runner cannot read: {reason}", ErrorKind.Upstream);
    public static Error StreamInterrupted(string flow) => new Error(RunnerErrorCodes.LangflowStreamInterrupted,
        "Langflow's stream ended before the run finished (no end or error event); the run may be incomplete.", ErrorKind.Upstream).With("flow_id", flow);

    // Langflow is down, unreachable or slow: retry later.
    public static Error LangflowUnavailable(string reason) => Error.Transient(RunnerErrorCodes.LangflowUnavailable,
        $"Langflow is unavailable: {reason}");
    public static Error LangflowConnectionLost(string reason) => Error.Transient(RunnerErrorCodes.LangflowConnectionLost,
        $"Langflow closed the connection before answering ({reason}); the run may or may not have executed.");
    public static Error LangflowTimeout(string reason) => new(RunnerErrorCodes.LangflowTimeout,
        $"Langflow did not answer in time: {reason}", ErrorKind.Timeout);

    // The runner's own configuration: never the caller's fault.
    public static Error LangflowAuthFailed(int status, string langflowDetail) => new Error(RunnerErrorCodes.LangflowAuthFailed,
        $"Langflow rejected the runner's API key ({status}: {langflowDetail}). The runner is misconfigured: set {ApiKeySetting} " +
        "to a valid Langflow API key (sent as x-api-key) for the user that owns the flows.", ErrorKind.Permanent).With("setting", ApiKeySetting);
    public static Error LangflowRejectedRequest(int status, string langflowDetail) => new(RunnerErrorCodes.LangflowRejectedRequest,
        $"Langflow rejected the runner's request ({status}: {langflowDetail}); this is a runner bug or a Langflow version it does not support.",
        ErrorKind.Permanent);
}
