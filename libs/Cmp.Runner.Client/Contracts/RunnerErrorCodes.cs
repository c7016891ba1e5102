namespace Cmp.Runner.Client.Contracts;

/// <summary>
/// The stable <c>code</c> of every problem the runner returns (and of every stream <c>error</c> event), so callers
/// can branch on them without copying strings. The README's error table explains each one.
/// </summary>
public static class RunnerErrorCodes
{
    // 422: the request breaks a rule (400 is reserved for bodies that are not JSON of the right shape).
    public const string FlowIdInvalid = "flow_id_invalid";
    public const string InputRequired = "input_required";
    public const string InputTooLong = "input_too_long";
    public const string SessionIdInvalid = "session_id_invalid";
    public const string TweaksInvalid = "tweaks_invalid";
    public const string TweakConflictsWithInput = "tweak_conflicts_with_input";
    public const string TweaksRefused = "tweaks_refused";
    public const string FlowDocumentInvalid = "flow_document_invalid";

    // 404 / 409: the flow.
    public const string FlowNotFound = "flow_not_found";
    public const string FlowConflict = "flow_conflict";

    // 502: Langflow ran the flow (or tried) and it failed; retrying the same run fails the same way.
    public const string FlowFailed = "flow_failed";
    public const string FlowInvalid = "flow_invalid";
    public const string NoReply = "no_reply";
    public const string LangflowError = "langflow_error";
    public const string LangflowBadResponse = "langflow_bad_response";
    public const string LangflowStreamInterrupted = "langflow_stream_interrupted";

    // 503 / 504: Langflow is down, unreachable or too slow; retry later.
    public const string LangflowUnavailable = "langflow_unavailable";
    public const string LangflowConnectionLost = "langflow_connection_lost";
    public const string LangflowTimeout = "langflow_timeout";

    // 500: the runner's own configuration (never the caller's fault).
    public const string LangflowAuthFailed = "langflow_auth_failed";
    public const string LangflowRejectedRequest = "langflow_rejected_request";

    // Raised by this client itself, never by the runner.
    public const string RunnerUnavailable = "runner_unavailable";
    public const string RunnerTimeout = "runner_timeout";
    public const string RunnerBadResponse = "runner_bad_response";
    public const string RunnerStreamInterrupted = "runner_stream_interrupted";
}
