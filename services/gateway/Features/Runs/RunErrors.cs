using System.Text.Json;
using Cmp.ControlPlane.Contracts;
using Cmp.Gateway.Domain;
using Cmp.Primitives;

namespace Cmp.Gateway.Features.Runs;

/// <summary>Every expected failure of a run, with the details a caller needs to act on it.</summary>
public static class RunErrors
{
    public static Error InstanceNotFound(Guid id) =>
        Error.NotFound("instance_not_found", $"Instance {id} does not exist or is not yours.").With("instance_id", id);

    public static Error InstanceNotReady(InstanceView i) =>
        Error.Conflict("instance_not_ready", i.Status switch
            {
                "Provisioning" => $"Instance {i.Id} is still being provisioned; retry in a moment.",
                "Suspended" => $"Instance {i.Id} is suspended{(i.StatusReason is null ? "" : $": {i.StatusReason}")}.",
                "Failed" => $"Instance {i.Id} could not be provisioned{(i.StatusReason is null ? "" : $": {i.StatusReason}")}.",
                "Deleted" => $"Instance {i.Id} has been deleted.",
                _ => $"Instance {i.Id} is {i.Status.ToLowerInvariant()}, not ready.",
            })
            .With("instance_id", i.Id).With("status", i.Status.ToLowerInvariant());

    public static Error NoPricing(Guid id) =>
        new Error("pricing_unavailable", $"The control plane gave no price for instance {id}; it cannot be metered.", ErrorKind.Upstream)
            .With("instance_id", id);

    public static Error ControlPlaneUnavailable(Error cause) =>
        new Error("control_plane_unavailable", "The control plane did not answer; nothing was charged. Retry shortly.",
            cause.Kind == ErrorKind.Timeout ? ErrorKind.Timeout : ErrorKind.Transient).With("cause", cause.Code);

    /// <summary>402 from the ledger, with what the run would cost added to the balance it reported.</summary>
    public static Error InsufficientCredits(Error fromLedger, RunPrice price) =>
        new Error("insufficient_credits",
                $"This run needs {price.Reserve} credits set aside but only {Long(fromLedger, "available") ?? 0} are available.",
                ErrorKind.PaymentRequired)
            .With("balance", Long(fromLedger, "balance") ?? 0)
            .With("available", Long(fromLedger, "available") ?? 0)
            .With("required", price.Reserve)
            .With("price", new PriceView(price.PerRun, price.Per1kTokens, price.MaxPerRun, price.Reserve));

    public static Error RateLimited(string limit, TimeSpan retryAfter) =>
        new Error("rate_limited", limit == "tenant"
                ? "Too many runs for this tenant; retry after the time in Retry-After."
                : "Too many requests with these credentials; retry after the time in Retry-After.", ErrorKind.RateLimited)
            .With("limit", limit).With("retry_after", (long)Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds)));

    public static Error DatabaseUnavailable() =>
        Error.Transient("database_unavailable", "The gateway could not record the run; nothing was charged. Retry shortly.");

    public static Error Timeout(TimeSpan limit) =>
        new(RunErrorCodes.RunTimeout, $"The run did not finish within {limit.TotalSeconds:0} s and was stopped; nothing was charged.", ErrorKind.Timeout);

    /// <summary>
    /// A failure of the runner or Langflow, as the caller sees it: the runner's code is kept (it tells a broken flow
    /// from an outage), the status says whose problem it is, and the body says nothing was charged.
    /// </summary>
    public static Error FromRunner(Error e)
    {
        var kind = e.Kind switch
        {
            ErrorKind.Validation => ErrorKind.Validation,   // e.g. input_too_long by the runner's own limit
            ErrorKind.Transient => ErrorKind.Transient,
            ErrorKind.Timeout => ErrorKind.Timeout,
            _ => ErrorKind.Upstream,                         // flow failures, a missing flow, runner misconfiguration
        };
        var mapped = new Error(e.Code, e.Message, kind);
        foreach (var (k, v) in e.Details)
            if (k is not "status" and not "upstream_status") mapped = mapped.With(k, v);
        return mapped;
    }

    /// <summary>Marks a failure that happened after credits were set aside: the caller is not charged.</summary>
    public static Error NotCharged(this Error e, Guid runId) => e.With("run_id", runId).With("credits_charged", 0L);

    public static Error Validation(IReadOnlyList<FieldError> errors) =>
        Error.Validation(errors[0].Code, errors.Count == 1 ? errors[0].Detail : $"{errors.Count} fields are invalid: {string.Join(" ", errors.Select(x => x.Detail))}")
            .With("errors", errors);

    public static Error RunNotFound(Guid id) => Error.NotFound("run_not_found", $"Run {id} does not exist or is not yours.");

    internal static long? Long(Error e, string key) => e.Details.TryGetValue(key, out var v) ? v switch
    {
        long l => l,
        int i => i,
        JsonElement { ValueKind: JsonValueKind.Number } j when j.TryGetInt64(out var n) => n,
        _ => null,
    } : null;
}

/// <summary>The price of one run, as 402 problems show it.</summary>
public sealed record PriceView(long CreditsPerRun, [property: System.Text.Json.Serialization.JsonPropertyName("credits_per_1k_tokens")] long CreditsPer1kTokens,
    long MaxCreditsPerRun, long Reserve);

/// <summary>One invalid field of a request.</summary>
public sealed record FieldError(string Field, string Code, string Detail);

/// <summary>Codes the gateway itself produces for runs (the runner's codes pass through unchanged).</summary>
public static class RunErrorCodes
{
    public const string RunTimeout = "run_timeout";
    public const string RunInterrupted = "run_interrupted";
    public const string ClientClosed = "client_closed_request";
}
