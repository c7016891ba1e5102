using System.Text.Json;
using Cmp.Gateway.Domain;
using Cmp.Hosting;
using Cmp.Primitives;

namespace Cmp.Gateway.Features.Runs;

/// <summary>
/// Idempotent runs: what a keyed run stores about its outcome, and how a repeat of the request is answered from it
/// (with usage and charge read from the run record, so a replay shows the charge as it finally settled).
/// </summary>
public static class RunReplays
{
    sealed record Stored(string? Output = null, string? SessionId = null, StoredError? Error = null);

    sealed record StoredError(string Code, string Message, ErrorKind Kind, Dictionary<string, JsonElement>? Details = null);

    public static string Success(string output, string sessionId) =>
        JsonSerializer.Serialize(new Stored(output, sessionId), CmpDefaults.Json);

    public static string Failure(Error error) =>
        JsonSerializer.Serialize(new Stored(Error: new StoredError(error.Code, error.Message, error.Kind,
            error.Details.ToDictionary(kv => kv.Key, kv => JsonSerializer.SerializeToElement(kv.Value, CmpDefaults.Json)))), CmpDefaults.Json);

    /// <summary>The answer to a repeat of the request that created <paramref name="run"/>.</summary>
    public static Result<RunResponse> Replay(RunRecord run, string requestHash)
    {
        if (!string.Equals(run.RequestHash, requestHash, StringComparison.Ordinal))
            return Error.Conflict("idempotency_key_reused",
                    $"The Idempotency-Key '{run.IdempotencyKey}' was used for a different request (run {run.Id}); use a new key for a new run.")
                .With("run_id", run.Id);
        if (!run.IsFinished)
            return Error.Conflict("run_in_progress", $"Run {run.Id} with this Idempotency-Key is still running; retry to get its outcome.")
                .With("run_id", run.Id).With("retry_after", 1L);
        if (run.Outcome is null)   // finished by the worker after its gateway died: it never produced an answer
            return Error.Transient(run.ErrorCode ?? RunErrorCodes.RunInterrupted,
                    $"Run {run.Id} with this Idempotency-Key was interrupted and charged nothing; use a new key to run again.")
                .With("run_id", run.Id).With("credits_charged", run.CreditsCharged).With("replayed", true);
        var stored = JsonSerializer.Deserialize<Stored>(run.Outcome, CmpDefaults.Json)!;
        if (stored.Error is { } e)
        {
            var error = new Error(e.Code, e.Message, e.Kind);
            foreach (var (k, v) in e.Details ?? []) error = error.With(k, v);
            return error.With("replayed", true);
        }
        return new RunResponse(run.Id, run.InstanceId, "succeeded", stored.Output ?? "", stored.SessionId ?? run.SessionId ?? "",
            new RunUsage(run.CreditsCharged, run.Settlement == SettlementState.Committed ? run.BalanceAfter : null, run.InputTokens, run.OutputTokens),
            run.LatencyMs ?? 0) { Replayed = true };
    }
}
