using System.Diagnostics;
using Cmp.Gateway.Domain;
using Cmp.Gateway.Features.RateLimits;
using Cmp.Gateway.Features.Runs.Leases;
using Cmp.Hosting.Http;
using Cmp.Primitives;
using Cmp.Runner.Client;
using Cmp.Runner.Client.Contracts;
using Microsoft.Extensions.Options;

namespace Cmp.Gateway.Features.Runs;

/// <summary>
/// Metered runs of agent instances, for the HTTP API and for in-process callers (the MCP <c>run_agent</c> tool).
/// A run: validate → rate limits → the instance exists, is the caller's and is Ready → reserve its maximum cost (in
/// the ledger, or from the tenant's credit lease with <c>Runs:CreditLeases</c>) → record it → run it through the
/// runner → record the outcome and cost → commit the cost (or release everything on failure or cancellation; a lease
/// commits its runs' recorded costs together). Expected failures come back as <see cref="Error"/> values; every
/// failure after the reservation says <c>credits_charged: 0</c> and carries the <c>run_id</c>.
/// </summary>
public interface IAgentRuns
{
    /// <summary>Runs to completion. Cancelling <paramref name="ct"/> cancels the run upstream; it is then recorded as
    /// cancelled, nothing is charged, and the cancellation is rethrown.</summary>
    Task<Result<RunResponse>> RunAsync(RunCaller caller, CreateRunRequest request, CancellationToken ct);

    /// <summary>
    /// Starts a streamed run. Failures before the first event (every check, the reservation, the runner refusing the
    /// run) are returned as errors, with nothing charged. Otherwise read the stream to its end
    /// (<see cref="AgentRunCompleted"/> or <see cref="AgentRunFailed"/>), and dispose it; stopping early or
    /// cancelling cancels the run, which is then charged for the output already delivered (see the README).
    /// </summary>
    Task<Result<AgentRunStream>> StartStreamAsync(RunCaller caller, CreateRunRequest request, CancellationToken ct);
}

public sealed class AgentRuns(
    InstanceAccess access, RunRateLimiter limits, RunCredits credits, RunStore store, RunSettlement settlement, SettlementRecorder recorder,
    DeferredSettlements deferred, CreditLeases leases, FinishedRunWriter finished,
    IRunnerClient runner, TimeProvider clock, RunTelemetry telemetry, IOptionsMonitor<RunsOptions> options, ILogger<AgentRuns> log) : IAgentRuns
{
    public async Task<Result<RunResponse>> RunAsync(RunCaller caller, CreateRunRequest request, CancellationToken ct)
    {
        var begun = await BeginAsync(caller, request, stream: false, ct);
        if (!begun.TryGetValue(out var b, out var refused)) return refused;
        if (b.Replay is { } replay) return replay;
        var run = b.Run!;
        using var deadline = new CancellationTokenSource(options.CurrentValue.MaxRunDuration, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        // The run record is written while the run starts: the database is off the critical path, and a run whose
        // record cannot be written is stopped and released before it can be charged.
        var running = runner.RunAsync(RunnerRequest(run), linked.Token);
        if (!await run.Recorded)
        {
            await linked.CancelAsync();
            await Quietly(running);
            return await AbandonUnrecordedAsync(run);
        }
        Result<RunResult> result;
        try
        {
            result = await running;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await CancelAsync(run, tokensDelivered: 0);
            throw;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return await FailAsync(run, RunErrors.Timeout(options.CurrentValue.MaxRunDuration));
        }
        catch (Exception e)
        {
            await FailAsync(run, new Error("internal_error", "The run failed unexpectedly; nothing was charged.", ErrorKind.Permanent));
            log.LogError(e, "Run {RunId} failed unexpectedly", run.Record.Id);
            throw;
        }
        return result.TryGetValue(out var ok, out var error)
            ? await SucceedAsync(run, ok)
            : await FailAsync(run, RunErrors.FromRunner(error));
    }

    public async Task<Result<AgentRunStream>> StartStreamAsync(RunCaller caller, CreateRunRequest request, CancellationToken ct)
    {
        var begun = await BeginAsync(caller, request, stream: true, ct);
        if (!begun.TryGetValue(out var b, out var refused)) return refused;
        if (b.Replay is { } replay) return replay.TryGetValue(out var response, out var replayedError) ? AgentRunStream.ForReplay(response) : replayedError;
        var run = b.Run!;
        var deadline = new CancellationTokenSource(options.CurrentValue.MaxRunDuration, clock);
        var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        var events = runner.StreamAsync(RunnerRequest(run), stop.Token).GetAsyncEnumerator(stop.Token);
        var first = await AgentRunStream.NextAsync(events);
        var recorded = await run.Recorded;
        if (first.Event is null or RunErrorEvent || !recorded)
        {
            if (!recorded) await stop.CancelAsync();
            await events.DisposeAsync();
            stop.Dispose();
            deadline.Dispose();
            if (!recorded) return await AbandonUnrecordedAsync(run);
            if (first.Event is RunErrorEvent failed) return await FailAsync(run, RunErrors.FromRunner(failed.Error));
            if (!ct.IsCancellationRequested && deadline.IsCancellationRequested)
                return await FailAsync(run, RunErrors.Timeout(options.CurrentValue.MaxRunDuration));
            await CancelAsync(run, tokensDelivered: 0);
            ct.ThrowIfCancellationRequested();
            throw first.Failure ?? new InvalidOperationException("The runner's stream ended before its first event.");
        }
        return new AgentRunStream(this, run, events, first.Event, stop, deadline, options.CurrentValue.MaxRunDuration);
    }

    /// <summary>What beginning a run led to: a run in flight, or the stored outcome of an earlier request with the same key.</summary>
    sealed record Begun(RunExecution? Run, Result<RunResponse>? Replay);

    /// <summary>
    /// Every check, then the reservation; starts writing the run record (see <see cref="RunExecution.Recorded"/>).
    /// A keyed request first claims its key with the record (so a repeat can never reserve or run twice).
    /// </summary>
    async Task<Result<Begun>> BeginAsync(RunCaller caller, CreateRunRequest request, bool stream, CancellationToken ct)
    {
        var started = clock.GetTimestamp();
        var validated = RunValidation.Validate(request, options.CurrentValue.MaxInputLength);
        if (!validated.TryGetValue(out var valid, out var invalid)) return invalid;
        var callerLimit = limits.AcquireCaller(caller);
        if (!callerLimit.IsSuccess) return callerLimit.Error;

        var resolved = await access.ResolveAsync(caller, valid.InstanceId, ct);
        if (!resolved.TryGetValue(out var target, out var notRunnable)) return notRunnable;
        var tenantLimit = limits.AcquireTenant(target.TenantId);
        if (!tenantLimit.IsSuccess) return tenantLimit.Error;

        var record = new RunRecord
        {
            Id = Guid.CreateVersion7(clock.GetUtcNow()),
            TenantId = target.TenantId,
            InstanceId = target.InstanceId,
            CallerKind = caller.Kind,
            CallerId = caller.Id,
            Status = RunStatus.Running,
            Stream = stream,
            SessionId = valid.SessionId,
            Settlement = SettlementState.None,
            CorrelationId = CorrelationId.Current,
            CreatedAt = clock.GetUtcNow(),
            IdempotencyKey = valid.IdempotencyKey,
            RequestHash = valid.IdempotencyKey is null ? null : valid.Hash(),
        };
        if (record.IdempotencyKey is { } key && !await store.TryClaimAsync(record.Snapshot(), CancellationToken.None))
        {
            var first = await store.FindByKeyAsync(record.TenantId, key, CancellationToken.None);
            return first is null
                ? Error.Conflict("run_in_progress", "A run with this Idempotency-Key is being set up; retry in a moment.").With("retry_after", 1L)
                : new Begun(null, RunReplays.Replay(first, record.RequestHash!));
        }
        var activity = RunTelemetry.StartRun(record.Id, caller, target.InstanceId, stream);
        activity?.SetTag("cmp.tenant.id", target.TenantId.ToString());
        CreditLeases.Draw? draw = null;
        if (!target.Price.IsFree && options.CurrentValue.CreditLeases)
        {
            var drawn = await leases.DrawAsync(target);
            if (!drawn.TryGetValue(out draw, out var refused)) return await RefuseAsync(record, activity, refused);
            record.LeaseId = draw.LeaseId;
            record.CreditsReserved = draw.Reserved;
            record.Settlement = SettlementState.Pending;
        }
        else if (!target.Price.IsFree)
        {
            var reserved = await credits.ReserveAsync(record.Id, target);
            if (!reserved.TryGetValue(out var reservation, out var refused)) return await RefuseAsync(record, activity, refused);
            record.ReservationId = reservation.Id;
            record.CreditsReserved = reservation.Amount;
            record.Settlement = SettlementState.Pending;
        }
        // A sync run on a lease is recorded once, when it ends (its cost is committed with the lease, from that record).
        var recordAtEnd = draw is not null && !stream && record.IdempotencyKey is null && finished.Healthy;
        var recorded = recordAtEnd ? Task.FromResult(true) : RecordAsync(record.Snapshot(), claimed: record.IdempotencyKey is not null);
        return new Begun(new RunExecution(record, target, valid, started, activity, recorded, draw, recordAtEnd), null);
    }

    /// <summary>The run's credits could not be set aside: nothing ran, and a keyed request may be retried with the same key (after a top-up, say).</summary>
    async Task<Result<Begun>> RefuseAsync(RunRecord record, Activity? activity, Error refused)
    {
        activity?.SetTag("cmp.run.outcome", refused.Code);
        activity?.Dispose();
        if (record.IdempotencyKey is not null) await store.DeleteAsync(record.Id, CancellationToken.None);
        return refused;
    }

    async Task<bool> RecordAsync(RunRecord snapshot, bool claimed)
    {
        try
        {
            if (claimed) await store.UpdateAsync(snapshot, CancellationToken.None);   // the claim row gets its reservation
            else await store.InsertAsync(snapshot, CancellationToken.None);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "Could not record run {RunId}; it is stopped and its reservation released", snapshot.Id);
            return false;
        }
    }

    /// <summary>The run could not be recorded (the database is down): it was stopped; release its credits now.</summary>
    async Task<Error> AbandonUnrecordedAsync(RunExecution run)
    {
        var r = run.Record;
        r.Status = RunStatus.Failed;
        r.ErrorCode = "database_unavailable";
        if (run.Draw is { } draw) leases.Return(draw, 0);
        else await settlement.SettleAsync(r, CancellationToken.None);
        run.Activity?.Dispose();
        return RunErrors.DatabaseUnavailable().NotCharged(r.Id);
    }

    static RunRequest RunnerRequest(RunExecution run) =>
        new(run.Target.FlowId.ToString(), run.Request.Input) { SessionId = run.Request.SessionId };

    internal async Task<RunResponse> SucceedAsync(RunExecution run, RunResult result)
    {
        var r = run.Record;
        r.Status = RunStatus.Succeeded;
        r.InputTokens = result.Usage.InputTokens;
        r.OutputTokens = result.Usage.OutputTokens;
        r.CreditsCharged = Math.Min(run.Target.Price.Cost(r.InputTokens, r.OutputTokens), r.CreditsReserved);
        r.SessionId = result.SessionId;
        if (r.IdempotencyKey is not null) r.Outcome = RunReplays.Success(result.OutputText, result.SessionId);
        await FinishAsync(run);
        return new RunResponse(r.Id, r.InstanceId, "succeeded", result.OutputText, result.SessionId,
            new RunUsage(r.CreditsCharged, r.Settlement == SettlementState.Committed ? r.BalanceAfter : null, r.InputTokens, r.OutputTokens),
            r.LatencyMs ?? 0);
    }

    internal async Task<Error> FailAsync(RunExecution run, Error error)
    {
        run.Record.Status = RunStatus.Failed;
        run.Record.ErrorCode = Truncate(error.Code, 100);
        run.Record.CreditsCharged = 0;
        var answer = error.NotCharged(run.Record.Id);
        if (run.Record.IdempotencyKey is not null) run.Record.Outcome = RunReplays.Failure(answer);
        await FinishAsync(run);
        return answer;
    }

    /// <summary>
    /// The caller went away. Nothing delivered, nothing charged; otherwise the output delivered so far is charged by
    /// the price rule (the per-run part plus the tokens streamed; input tokens are unknown and not charged).
    /// </summary>
    internal async Task CancelAsync(RunExecution run, long tokensDelivered)
    {
        var r = run.Record;
        r.Status = RunStatus.Cancelled;
        r.ErrorCode = RunErrorCodes.ClientClosed;
        r.OutputTokens = tokensDelivered;
        r.CreditsCharged = tokensDelivered > 0 ? Math.Min(run.Target.Price.Cost(0, tokensDelivered), r.CreditsReserved) : 0;
        if (r.IdempotencyKey is not null)
            r.Outcome = RunReplays.Failure(new Error(RunErrorCodes.ClientClosed, "The caller went away before the run ended; it was cancelled.", ErrorKind.Conflict)
                .With("run_id", r.Id).With("credits_charged", r.CreditsCharged));
        await FinishAsync(run);
    }

    /// <summary>
    /// Stores the outcome and settles the reservation at the same time. Either order is safe: the stored outcome (with
    /// its cost and "settlement pending") lets the worker finish a settlement that did not happen, and commit and
    /// release are idempotent, so the worker repeating one that did happen changes nothing. Whether it went through
    /// is recorded after the response, in a batch.
    /// </summary>
    async Task FinishAsync(RunExecution run)
    {
        var r = run.Record;
        var elapsed = clock.GetElapsedTime(run.Started);
        r.LatencyMs = (long)elapsed.TotalMilliseconds;
        r.CompletedAt = clock.GetUtcNow();
        // Due for the settlement worker only with a reservation of its own (a lease run is settled with its lease).
        r.NextSettlementAt = r.Settlement == SettlementState.Pending && r.ReservationId is not null ? r.CompletedAt + options.CurrentValue.SettlementGrace : null;
        await run.Recorded;   // the outcome updates the row the insert wrote
        var outcome = run.RecordAtEnd ? finished.WriteAsync(r.Snapshot()) : WriteOutcomeAsync(r.Snapshot());
        if (run.Draw is { } draw)
        {
            // Settled with its lease, from the recorded cost: an outcome that could not be written is not charged.
            if (!await outcome) r.CreditsCharged = 0;
            leases.Return(draw, r.CreditsCharged);
        }
        else if (r.Settlement == SettlementState.Pending && !options.CurrentValue.SettleBeforeResponse && await outcome)
        {
            deferred.Settle(r.Snapshot());   // the stored outcome guarantees it happens, even if this process dies now
        }
        else
        {
            if (r.Settlement == SettlementState.Pending) await settlement.SettleAsync(r, CancellationToken.None);
            if (await outcome && r.Settlement != SettlementState.None) recorder.Record(r);
        }
        telemetry.Finished(r, elapsed);
        run.Activity?.SetTag("cmp.run.outcome", r.Status == RunStatus.Failed ? r.ErrorCode : r.Status.ToString().ToLowerInvariant());
        run.Activity?.SetTag("cmp.run.credits_charged", r.CreditsCharged);
        run.Activity?.Dispose();
        log.LogInformation(
            "Run {RunId} of instance {InstanceId} by {CallerKind} {Status} in {LatencyMs} ms: {InputTokens}+{OutputTokens} tokens, {Credits} credits ({Settlement}){ErrorCode}",
            r.Id, r.InstanceId, run.CallerKind, r.Status, r.LatencyMs, r.InputTokens, r.OutputTokens, r.CreditsCharged, r.Settlement,
            r.ErrorCode is null ? "" : ", " + r.ErrorCode);
    }

    async Task<bool> WriteOutcomeAsync(RunRecord snapshot)
    {
        try
        {
            await store.UpdateAsync(snapshot, CancellationToken.None);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The ledger is still settled right now; only the gateway's own record of this run is stale.
            log.LogError(e, "Could not record the outcome of run {RunId}", snapshot.Id);
            return false;
        }
    }

    static async Task Quietly(Task task)
    {
        try { await task; }
        catch { }
    }

    static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}

/// <summary>One run in flight: its record, what it runs, when it started, and the write of its record.</summary>
public sealed class RunExecution(RunRecord record, RunTarget target, ValidRunRequest request, long started, Activity? activity, Task<bool> recorded,
    CreditLeases.Draw? draw = null, bool recordAtEnd = false)
{
    public RunRecord Record { get; } = record;
    public RunTarget Target { get; } = target;
    public ValidRunRequest Request { get; } = request;
    public long Started { get; } = started;
    public Activity? Activity { get; } = activity;

    /// <summary>True once the run's record is in the database; false if it could not be written.</summary>
    public Task<bool> Recorded { get; } = recorded;

    /// <summary>Its record is written only when it ends (<see cref="Recorded"/> is then true from the start).</summary>
    public bool RecordAtEnd { get; } = recordAtEnd;

    /// <summary>What the run took from its tenant's credit lease, when it is metered against one.</summary>
    public CreditLeases.Draw? Draw { get; } = draw;

    public string CallerKind => Record.CallerKind.ToString();
}
